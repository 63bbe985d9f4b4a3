/** A cookie's value as the page sees it (`document.cookie`), or null when it is not set or there is no document. */
export function readCookie(name: string): string | null {
  if (typeof document === 'undefined') return null;
  const pair = document.cookie.split(';').map((part) => part.trim()).find((part) => part.startsWith(`${name}=`));
  return pair === undefined ? null : pair.slice(name.length + 1);
}
