import { useTranslation } from 'react-i18next';
import { LANGUAGES, switchLanguage, type Language } from '../i18n/i18n';

/** The UI language, chosen from a list that names each language in itself. */
export function LanguageSwitcher() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="visually-hidden">{t('app.language')}</span>
      <select value={i18n.language} onChange={(event) => void switchLanguage(i18n, event.target.value as Language)} data-testid="language">
        {LANGUAGES.map((language) => (
          <option key={language} value={language} lang={language}>
            {language === 'en' ? 'English' : 'Polski'}
          </option>
        ))}
      </select>
    </label>
  );
}
