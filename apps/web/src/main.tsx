import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App, createQueryClient, preloadFirstPage } from './app';
import { askWhoIsSignedIn, sessionHint } from './auth/session';
import { startFirstScreen } from './first-screen';
import { loadI18n } from './i18n/i18n';
import './styles.css';

const queryClient = createQueryClient();
// Who is signed in, the first page (its code and data) and the language's catalog are fetched side by
// side; the shell renders once the words are here.
askWhoIsSignedIn();
const firstScreen = preloadFirstPage(location.pathname, sessionHint.get(), queryClient, location.search);
// The catalog, an app page and the chat say when their first screen is shown; what is not on it waits until then.
startFirstScreen(firstScreen);
void loadI18n(undefined, { everyWord: !firstScreen }).then((i18n) =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App i18n={i18n} queryClient={queryClient} />
    </StrictMode>,
  ),
);
