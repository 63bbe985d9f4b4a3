import { useEffect, useSyncExternalStore } from 'react';

/**
 * What a first load needs before its first screen (the session, the page's code and data) is asked at
 * once; what it does not (the live-events connection, the CSRF token, the Git clone line, the groups
 * to send an app to) waits until that screen has been painted, so it does not share the first round
 * trips with it (docs/decisions/0070-first-screen-requests-in-one-round.md).
 */
// Nothing waits unless a first load says it will tell (`startFirstScreen`): tests and other entries see a painted screen.
let painted = true;
const listeners = new Set<() => void>();
let started: ReturnType<typeof setTimeout> | undefined;

/** Longest a load waits for a page to say its first screen is there (an answer that never came, a page that does not say). */
const AT_THE_LATEST_MS = 3000;

function markPainted(): void {
  if (painted) return;
  painted = true;
  clearTimeout(started);
  for (const listener of [...listeners]) listener();
  listeners.clear();
}

/**
 * A first load starts: `firstScreen` says whether its page will tell when its first screen is shown
 * (catalog, app page, chat); any other page has nothing to wait for.
 */
export function startFirstScreen(firstScreen: boolean): void {
  if (!firstScreen || started !== undefined) return;
  painted = false;
  started = setTimeout(markPainted, AT_THE_LATEST_MS);
}

/** The page's first screen has rendered: what waits for it starts once the browser has painted it. */
export function firstScreenRendered(): void {
  if (painted) return;
  if (typeof requestAnimationFrame === 'undefined') return markPainted();
  // A frame callback runs before its frame's paint; the next frame's runs once that paint has been
  // handed on, and the task queued from there runs after it.
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(markPainted, 0)));
}

/** Runs `run` once the first screen has been painted (at once if it has). */
export function afterFirstScreen(run: () => void): () => void {
  if (painted) {
    run();
    return () => {};
  }
  listeners.add(run);
  return () => listeners.delete(run);
}

const subscribe = (changed: () => void) => afterFirstScreen(changed);
const isPainted = () => painted;

/** True once the first screen has been painted: a query that is not on it is `enabled` by this. */
export function useFirstScreenPainted(): boolean {
  return useSyncExternalStore(subscribe, isPainted, isPainted);
}

/** A first screen page says here when what it shows first has rendered (`ready`: its first answers are in, or refused). */
export function useFirstScreenRendered(ready: boolean): void {
  useEffect(() => {
    if (ready) firstScreenRendered();
  }, [ready]);
}
