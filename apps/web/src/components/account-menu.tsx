import { useEffect, useRef, useState } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { LanguageSwitcher } from './language-switcher';

/**
 * The signed-in person's corner of the header, folded behind one button (a disclosure: the button
 * says whether it is open, Escape and a click elsewhere close it, and focus goes back to the button)
 * so the navigation keeps one line on a laptop screen. On a phone the header's menu shows it unfolded.
 */
export function AccountMenu() {
  const { t } = useTranslation();
  const { me, signOut } = useSession();
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const location = useLocation();
  const name = me?.user?.name ?? '';

  useEffect(() => setOpen(false), [location.pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return;
      setOpen(false);
      toggle.current?.focus();
    };
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onPointer);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onPointer);
    };
  }, [open]);

  return (
    <div className="account" ref={root}>
      <button ref={toggle} type="button" className="account-toggle secondary" aria-expanded={open} aria-controls="account-panel" onClick={() => setOpen(!open)}>
        <span className="visually-hidden">{t('app.account')}: </span>
        {name}
      </button>
      <div id="account-panel" className={open ? 'account-panel open' : 'account-panel'}>
        <NavLink className="small" to="/account" title={me?.user?.email}>
          {t('app.signedInAs', { name })}
        </NavLink>
        <LanguageSwitcher />
        <button type="button" className="secondary" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </div>
    </div>
  );
}
