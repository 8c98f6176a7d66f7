import { describe, expect, it } from 'vitest';
import { safeCallbackUrl, safeRedirectUrl } from '@/lib/auth/redirects';

// Targets that browsers read as another site once tabs and newlines are dropped and
// backslashes turned into slashes, each raw and percent-decoded once (as a query string gives them).
const HOSTILE = [
  '//evil.example/',
  '/\t/evil.example/',
  '/\n/evil.example/',
  '/\r\n/evil.example/',
  '/\\evil.example/',
  '\\\\evil.example/',
  '/\\/evil.example/',
  '\\/evil.example/',
  ' //evil.example/',
  '/%09/evil.example/',
  'https://evil.example/',
  'HTTPS://evil.example',
  'https:evil.example',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  '',
  '   ',
];

describe('safeCallbackUrl', () => {
  it.each(HOSTILE)('keeps %j on the app', (target) => {
    const result = safeCallbackUrl(target);
    const resolved = new URL(result, 'https://app.example');
    expect(resolved.origin).toBe('https://app.example');
    // Nothing a header cannot carry survives.
    expect(result).not.toMatch(/[\t\r\n\\]/);
  });

  it('keeps same-site paths with their query and fragment', () => {
    expect(safeCallbackUrl('/dashboard/widgets?tab=1#x')).toBe('/dashboard/widgets?tab=1#x');
    expect(safeCallbackUrl('/invite/abc')).toBe('/invite/abc');
  });

  it('falls back for anything that is not a string', () => {
    expect(safeCallbackUrl(undefined)).toBe('/dashboard');
    expect(safeCallbackUrl(['/a', '/b'])).toBe('/dashboard');
    expect(safeCallbackUrl(null, '/x')).toBe('/x');
  });

  it('refuses absurdly long targets', () => {
    expect(safeCallbackUrl(`/${'a'.repeat(5000)}`)).toBe('/dashboard');
  });
});

describe('safeRedirectUrl (the Auth.js redirect callback)', () => {
  const base = 'https://app.example';
  it.each(HOSTILE)('keeps %j on the app', (target) => {
    expect(new URL(safeRedirectUrl(target, base)).origin).toBe(base);
  });

  it('keeps absolute and relative targets on the app', () => {
    expect(safeRedirectUrl('https://app.example/dashboard?a=1', base)).toBe('https://app.example/dashboard?a=1');
    expect(safeRedirectUrl('/dashboard', base)).toBe('https://app.example/dashboard');
  });

  it('refuses another port or scheme of the same host', () => {
    expect(safeRedirectUrl('https://app.example:8443/x', base)).toBe(`${base}/dashboard`);
    expect(safeRedirectUrl('http://app.example/x', base)).toBe(`${base}/dashboard`);
  });
});
