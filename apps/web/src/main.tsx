import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient, preloadFirstPage } from './app';
import { sessionHint } from './auth/session';
import { loadI18n } from './i18n/i18n';
import './styles.css';

const queryClient = createQueryClient();
// The first page and the language's catalog are fetched side by side; the shell renders once the words are here.
preloadFirstPage(location.pathname, sessionHint.get(), queryClient);
void loadI18n().then((i18n) =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App i18n={i18n} queryClient={queryClient} />
    </StrictMode>,
  ),
);
