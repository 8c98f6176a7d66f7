import { describe, expect, it } from 'vitest';
import { normalizeOriginPattern, originMatches } from '@/lib/domains';

describe('allowed domains', () => {
  it.each([
    ['acme.com', 'https://acme.com'],
    ['https://www.acme.com/', 'https://www.acme.com'],
    ['HTTP://Localhost:3000', 'http://localhost:3000'],
    ['https://*.acme.com', 'https://*.acme.com'],
    ['*.acme.co.uk', 'https://*.acme.co.uk'],
  ])('normalizes %s to %s', (input, expected) => {
    expect(normalizeOriginPattern(input)).toBe(expected);
  });

  it.each(['', 'not a domain', 'https://acme.com/path', 'ftp://acme.com', 'https://*.com', 'https://a*.acme.com', 'https://acme.com:99999', 'javascript:alert(1)'])(
    'rejects %j',
    (input) => {
      expect(normalizeOriginPattern(input)).toBeNull();
    },
  );

  it('matches exact origins and one level of wildcard subdomains, never the bare parent or other schemes', () => {
    const patterns = ['https://acme.com', 'https://*.shop.example'];
    expect(originMatches('https://acme.com', patterns)).toBe(true);
    expect(originMatches('http://acme.com', patterns)).toBe(false);
    expect(originMatches('https://evil-acme.com', patterns)).toBe(false);
    expect(originMatches('https://eu.shop.example', patterns)).toBe(true);
    expect(originMatches('https://shop.example', patterns)).toBe(false);
    expect(originMatches('https://eu.shop.example.evil.com', patterns)).toBe(false);
  });
});
