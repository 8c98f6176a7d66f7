import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from '@/proxy';

const scriptSrc = (policy: string | null) => policy?.split('; ').find((directive) => directive.startsWith('script-src ')) ?? '';

describe('the page security policy set by proxy.ts', () => {
  it('allows scripts by a fresh per-request nonce only, and hands the nonce to the page render', async () => {
    const first = await proxy(new NextRequest('http://localhost/sign-in'));
    const second = await proxy(new NextRequest('http://localhost/sign-in'));
    const policy = first.headers.get('content-security-policy');
    const nonce = /'nonce-([A-Za-z0-9+/]{22}==)'/.exec(scriptSrc(policy))?.[1];
    expect(nonce).toBeDefined();
    expect(scriptSrc(policy)).toContain("'strict-dynamic'");
    expect(scriptSrc(policy)).not.toContain("'unsafe-inline'");
    expect(scriptSrc(second.headers.get('content-security-policy'))).not.toContain(nonce);
    // Next.js renders with the request headers the proxy forwards: the policy (whose nonce it
    // puts on its scripts) and x-nonce, which a client cannot choose.
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(policy);
    expect(first.headers.get('x-middleware-request-x-nonce')).toBe(nonce);
    const forged = await proxy(new NextRequest('http://localhost/demo', { headers: { 'x-nonce': 'chosen-by-attacker' } }));
    expect(forged.headers.get('x-middleware-request-x-nonce')).not.toBe('chosen-by-attacker');
  });

  it('leaves the widget chat frame its own policy', async () => {
    const response = await proxy(new NextRequest('http://localhost/widget/5f0c6c1e-8d4c-4a53-9a53-0d1a3d1f2b11'));
    expect(response.headers.get('content-security-policy')).toBeNull();
    expect(response.headers.get('x-middleware-request-x-nonce')).toBeNull();
    expect(response.headers.get('x-frame-options')).toBeNull();
  });
});
