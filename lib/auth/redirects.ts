// Redirect targets come from the client (a query string, a form field). They are resolved the
// way a browser would resolve them against the app's own origin and kept only when the result
// is on that origin: matching strings misses what browsers forgive ("/\t/evil", "/\\evil").

const DEFAULT_TARGET = '/dashboard';
// Long enough for any real return path; a longer one is an attack or a mistake.
const MAX_TARGET_LENGTH = 2048;
// Stands in for the app's origin when only a path is wanted (it cannot be a real host).
const PLACEHOLDER_ORIGIN = 'https://app.invalid';

function resolveOnOrigin(value: unknown, origin: string): URL | undefined {
  if (typeof value !== 'string' || value.length > MAX_TARGET_LENGTH || !value.trim()) return undefined;
  try {
    const url = new URL(value, origin);
    return url.origin === origin ? url : undefined;
  } catch {
    return undefined;
  }
}

/** A path on this app to return to after signing in; anything that leaves the app falls back. */
export function safeCallbackUrl(value: unknown, fallback = DEFAULT_TARGET): string {
  const url = resolveOnOrigin(value, PLACEHOLDER_ORIGIN);
  return url ? `${url.pathname}${url.search}${url.hash}` : fallback;
}

/** The Auth.js redirect callback: an absolute URL on `baseUrl`'s origin, or the dashboard. */
export function safeRedirectUrl(url: string, baseUrl: string): string {
  const origin = new URL(baseUrl).origin;
  return (resolveOnOrigin(url, origin) ?? new URL(DEFAULT_TARGET, origin)).href;
}
