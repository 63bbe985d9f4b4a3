import { useTranslation } from 'react-i18next';
import type { Notice } from '../api/types';
import { noticeText } from '../components/notice-text';

/**
 * A version's changelog in the reader's language: its entries (one per change of the spec) worded
 * from the catalogs. A version published before entries existed, or one with an entry this UI does
 * not know, shows the signed sentence instead (in the app's language).
 */
export function VersionChangelog({ entries, text }: { entries: Notice[] | null | undefined; text: string | null }) {
  const { t, i18n } = useTranslation();
  const worded = entries?.length && entries.every((entry) => i18n.exists(`notices.${entry.code}`)) ? entries.map((entry) => noticeText(i18n, entry)) : null;
  if (!worded && !text) return null;
  return (
    <div className="small" data-testid="changelog">
      <span className="visually-hidden">{t('appPage.changelog')}: </span>
      {worded ? (
        worded.length === 1 ? (
          worded[0]
        ) : (
          <ul>
            {worded.map((line, index) => (
              <li key={index}>{line}</li>
            ))}
          </ul>
        )
      ) : (
        text
      )}
    </div>
  );
}
