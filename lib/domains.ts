// Origins a tenant allows: exact (`https://acme.com`, `http://localhost:3000`) or one wildcard
// level of subdomains (`https://*.acme.com`). A bare host is taken to mean https.

const HOST = /^(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

export function normalizeOriginPattern(input: string): string | null {
  const value = input.trim().toLowerCase().replace(/\/+$/, '');
  if (!value) return null;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//.test(value) ? value : `https://${value}`;
  const match = /^(https?):\/\/([^/:?#]+)(?::(\d{1,5}))?$/.exec(withScheme);
  if (!match) return null;
  const [, scheme, host, port] = match;
  if (!HOST.test(host!) || (host!.startsWith('*.') && !host!.slice(2).includes('.') && host !== '*.localhost')) return null;
  if (port && (Number(port) < 1 || Number(port) > 65535)) return null;
  return `${scheme}://${host}${port ? `:${port}` : ''}`;
}

/** Whether a request Origin (scheme://host[:port]) is allowed by any of the patterns. */
export function originMatches(origin: string, patterns: readonly string[]): boolean {
  const normalized = normalizeOriginPattern(origin);
  if (!normalized || normalized.includes('*')) return false;
  return patterns.some((pattern) => {
    if (!pattern.includes('*')) return pattern === normalized;
    const [scheme, rest] = pattern.split('://*.') as [string, string];
    return normalized.startsWith(`${scheme}://`) && normalized.endsWith(`.${rest}`);
  });
}
