import 'server-only';
import { subscribe } from 'node:diagnostics_channel';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

// Which address a request came from, decided once per request from what cannot be forged: the
// TCP peer, plus the X-Forwarded-For entries written by the proxies the operator says are in
// front of the app (TRUSTED_PROXY_HOPS). Everything else a client writes in forwarding headers
// is dropped before Next.js, Auth.js or a route handler reads them.

/** Set by the hook on every request (whatever the client sent under this name is replaced). */
export const CLIENT_ADDRESS_HEADER = 'x-client-address';
const UNKNOWN = 'unknown';
// Headers that only a trusted proxy may write.
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded', 'x-real-ip'];
const HOOK_INSTALLED = Symbol.for('assistant-platform.client-address-hook');

type HookState = { [HOOK_INSTALLED]?: boolean };

/** A bare IP address from a socket or forwarded entry ("[::1]:80", "1.2.3.4:5", "::ffff:1.2.3.4"). */
export function normalizeAddress(value: string | undefined): string | undefined {
  let address = value?.trim();
  if (!address) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d+$/.test(address)) address = address.slice(0, address.lastIndexOf(':'));
  address = address.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return isIP(address) ? address.toLowerCase() : undefined;
}

/**
 * The client's address: the socket peer when no proxy is trusted; otherwise the entry the
 * outermost trusted proxy appended (`trustedHops` from the right of X-Forwarded-For), or the
 * furthest entry when the chain is shorter than that.
 */
export function resolveClientAddress(socketAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string {
  if (trustedHops > 0) {
    const chain = [forwardedFor ?? []].flat().join(',').split(',').map((entry) => entry.trim()).filter(Boolean);
    if (chain.length > 0) return normalizeAddress(chain[Math.max(0, chain.length - trustedHops)]) ?? UNKNOWN;
  }
  return normalizeAddress(socketAddress) ?? UNKNOWN;
}

/** Rewrites one request's headers in place: the resolved address, no untrusted forwarding headers. */
export function applyClientAddress(headers: IncomingHttpHeaders, socketAddress: string | undefined, trustedHops: number): void {
  const address = resolveClientAddress(socketAddress, headers['x-forwarded-for'], trustedHops);
  if (trustedHops === 0) for (const name of FORWARDING_HEADERS) delete headers[name];
  // Next.js fills X-Forwarded-For only when it is missing; it now holds the resolved client.
  headers['x-forwarded-for'] = address;
  headers[CLIENT_ADDRESS_HEADER] = address;
}

/**
 * Runs `applyClientAddress` on every request this process's HTTP servers receive, before any
 * listener sees it (Node's `http.server.request.start` diagnostics channel). Called once at
 * server start (instrumentation.ts).
 */
export function installClientAddressHook(trustedHops: number): void {
  const state = globalThis as HookState;
  if (state[HOOK_INSTALLED]) return;
  subscribe('http.server.request.start', (message) => {
    const { request } = message as { request: IncomingMessage };
    applyClientAddress(request.headers, request.socket?.remoteAddress, trustedHops);
  });
  state[HOOK_INSTALLED] = true;
}

/**
 * The address to count per-address limits against. Trusted only when this process installed
 * the hook (so the header was written by it, never by the client); IPv6 clients are counted
 * per /64, the block one subscriber usually holds, so rotating through it does not help.
 */
export function clientIp(headers: Headers): string {
  if (!(globalThis as HookState)[HOOK_INSTALLED]) return UNKNOWN;
  const address = normalizeAddress(headers.get(CLIENT_ADDRESS_HEADER) ?? undefined);
  if (!address) return UNKNOWN;
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIpv6(address: string): string[] {
  const [head = '', tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') ? (tail ? tail.split(':') : []) : [];
  // An embedded IPv4 tail takes two groups; only the first four groups matter here.
  const groups = [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.map((group) => (group.includes('.') ? group : group.replace(/^0+(?=.)/, '')));
}
