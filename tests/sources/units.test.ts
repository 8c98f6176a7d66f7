import { describe, expect, it } from 'vitest';
import { textDiff } from '@/lib/sources/diff';
import { readPageSignals } from '@/lib/sources/html';
import { HostGate } from '@/lib/sources/politeness';
import { isSameSite, normalizeUrl, parsePatterns, pathFilter } from '@/lib/sources/urls';

describe('crawl addresses', () => {
  it('spells one page one way', () => {
    expect(normalizeUrl('HTTPS://Example.COM:443/a?b=2&a=1#top')).toBe('https://example.com/a?a=1&b=2');
    expect(normalizeUrl('/docs?utm_source=x&gclid=y', 'https://example.com/')).toBe('https://example.com/docs');
    expect(normalizeUrl('mailto:help@example.com')).toBeUndefined();
    expect(normalizeUrl('javascript:alert(1)')).toBeUndefined();
    expect(normalizeUrl('https://user:pw@example.com/')).toBeUndefined();
  });

  it('treats www. and the bare host as one site, other hosts as others', () => {
    expect(isSameSite('https://www.example.com/a', 'https://example.com/')).toBe(true);
    expect(isSameSite('https://docs.example.com/a', 'https://example.com/')).toBe(false);
    expect(isSameSite('https://example.com.evil.test/a', 'https://example.com/')).toBe(false);
  });

  it('matches include and exclude path patterns as sections', () => {
    const allowed = pathFilter(parsePatterns('/docs/*\n/help'), parsePatterns('/docs/drafts/*, *.pdf'));
    expect(allowed('https://example.com/docs/install')).toBe(true);
    expect(allowed('https://example.com/help')).toBe(true);
    expect(allowed('https://example.com/help/returns')).toBe(true);
    expect(allowed('https://example.com/helpdesk')).toBe(false);
    expect(allowed('https://example.com/docs/drafts/new')).toBe(false);
    expect(allowed('https://example.com/docs/manual.pdf')).toBe(false);
    expect(allowed('https://example.com/blog')).toBe(false);
    expect(pathFilter([], [])('https://example.com/anything')).toBe(true);
  });

  it('reads links, canonical and robots meta from a page', () => {
    const signals = readPageSignals(
      `<html><head><base href="/docs/"><link rel="canonical" href="https://example.com/docs/intro"><meta name="robots" content="noindex, follow"></head>
       <body><a href="install">Install</a><a href="/x" rel="nofollow">x</a><a href="#top">top</a></body></html>`,
      'https://example.com/docs/intro?ref=nav',
    );
    expect(signals).toEqual({ links: ['https://example.com/docs/install', 'https://example.com/docs/'], canonical: 'https://example.com/docs/intro', noindex: true, nofollow: false });
  });
});

describe('host politeness', () => {
  it('runs one request at a time per host with a delay, hosts in parallel', async () => {
    const starts: Record<'a' | 'b', number[]> = { a: [], b: [] };
    const gate = new HostGate((host) => (host === 'a' ? { concurrency: 1, delayMs: 100 } : { concurrency: 2, delayMs: 0 }));
    const task = (host: 'a' | 'b') => gate.run(host, async () => {
      starts[host].push(Date.now());
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    const began = Date.now();
    await Promise.all([task('a'), task('a'), task('a'), task('b'), task('b'), task('b'), task('b')]);
    const gaps = starts.a.slice(1).map((at, i) => at - starts.a[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(95);
    // Host b never waited on host a's delay.
    expect(starts.b[0]! - began).toBeLessThan(50);
  });
});

describe('change review diff', () => {
  it('shows added and removed lines and folds long unchanged runs', () => {
    const before = ['# Ferries', ...Array.from({ length: 10 }, (_, i) => `line ${i}`), 'Departs at 7:15.'].join('\n');
    const after = ['# Ferries', ...Array.from({ length: 10 }, (_, i) => `line ${i}`), 'Departs at 9:40.'].join('\n');
    const diff = textDiff(before, after);
    expect(diff.filter((line) => line.kind === 'removed').map((line) => line.text)).toEqual(['Departs at 7:15.']);
    expect(diff.filter((line) => line.kind === 'added').map((line) => line.text)).toEqual(['Departs at 9:40.']);
    expect(diff.find((line) => line.kind === 'fold')?.text).toBe('9 unchanged lines');
    expect(diff.filter((line) => line.kind === 'same')).toHaveLength(2);
  });
});
