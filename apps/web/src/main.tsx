import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, preloadFirstPage } from './app';
import { sessionHint } from './auth/session';
import { createI18n } from './i18n/i18n';
import './styles.css';

preloadFirstPage(location.pathname, sessionHint.get());

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App i18n={createI18n()} />
  </StrictMode>,
);
