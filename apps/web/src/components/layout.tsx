import { useEffect, useRef, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router';
import { useTranslation } from 'react-i18next';
import { useSession } from '../auth/session';
import { AccountMenu } from './account-menu';
import { LanguageSwitcher } from './language-switcher';

/** Header with navigation, the main landmark, and focus moved to the page heading on navigation. */
export function Layout({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { hasRole } = useSession();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);

  useEffect(() => {
    setMenuOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    // Lazy pages render their heading a moment later: look for it for up to a second.
    let frames = 60;
    let handle = 0;
    const focusHeading = () => {
      const heading = main.current?.querySelector('h1');
      if (heading) {
        heading.setAttribute('tabindex', '-1');
        heading.focus();
      } else if (--frames > 0) {
        handle = requestAnimationFrame(focusHeading);
      }
    };
    focusHeading();
    return () => cancelAnimationFrame(handle);
  }, [location.pathname]);

  return (
    <>
      <a className="skip-link" href="#main">
        {t('app.skip')}
      </a>
      <header className="site-header">
        <div className="brand">
          <NavLink to="/">{t('app.name')}</NavLink>
        </div>
        <button type="button" className="menu-toggle secondary" aria-expanded={menuOpen} aria-controls="site-nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t('app.menu')}
        </button>
        <nav id="site-nav" aria-label={t('app.menu')} className={menuOpen ? 'open' : ''}>
          <ul>
            <li><NavLink to="/" end>{t('nav.catalog')}</NavLink></li>
            <li><NavLink to="/chat">{t('nav.chat')}</NavLink></li>
            <li><NavLink to="/deployments">{t('nav.deployments')}</NavLink></li>
            <li><NavLink to="/analytics">{t('nav.analytics')}</NavLink></li>
            <li><NavLink to="/messages">{t('nav.messages')}</NavLink></li>
            <li><NavLink to="/campaigns">{t('nav.campaigns')}</NavLink></li>
            {hasRole('admin') ? <li><NavLink to="/admin">{t('nav.admin')}</NavLink></li> : null}
          </ul>
          <AccountMenu />
        </nav>
      </header>
      <main id="main" ref={main}>
        {children}
      </main>
    </>
  );
}

/** Pages before sign-in: a centred card with the language switch. */
export function AuthLayout({ title, children }: { title: string; children: ReactNode }) {
  const { t } = useTranslation();
  return (
    <main id="main" className="auth">
      <div className="auth-card">
        <div className="auth-top">
          <span className="brand">{t('app.name')}</span>
          <LanguageSwitcher />
        </div>
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}
