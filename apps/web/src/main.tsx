import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient, preloadFirstPage } from './app';
import { sessionHint } from './auth/session';
import { createI18n } from './i18n/i18n';
import './styles.css';

const queryClient = createQueryClient();
preloadFirstPage(location.pathname, sessionHint.get(), queryClient);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App i18n={createI18n()} queryClient={queryClient} />
  </StrictMode>,
);
