import { useTranslation } from 'react-i18next';
import { ROLES, type Role } from '../../api/types';

/** Checkboxes for the roles of something being created. */
export function RolePicker({ value, onChange }: { value: Role[]; onChange: (roles: Role[]) => void }) {
  const { t } = useTranslation();
  return (
    <fieldset className="roles">
      <legend>{t('common.roles')}</legend>
      {ROLES.map((role) => (
        <label key={role} className="check">
          <input type="checkbox" checked={value.includes(role)} onChange={() => onChange(value.includes(role) ? value.filter((r) => r !== role) : [...value, role])} />
          {t(`roles.${role}`)}
        </label>
      ))}
    </fieldset>
  );
}
