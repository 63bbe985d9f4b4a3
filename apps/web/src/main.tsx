import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { createI18n } from './i18n/i18n';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App i18n={createI18n()} />
  </StrictMode>,
);
