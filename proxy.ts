import { getToken } from 'next-auth/jwt';
import { type NextRequest, NextResponse } from 'next/server';

/**
 * Whether the request carries a valid session token. Only read, never re-issued: the Auth.js
 * middleware wrapper would refresh the cookie on every request, and a request still in flight
 * during sign-out (a link prefetch) could then put the signed-out session back.
 */
async function hasSession(request: NextRequest): Promise<boolean> {
  const secret = process.env.AUTH_SECRET;
  if (!secret) return false;
  const base = process.env.AUTH_URL ? new URL(process.env.AUTH_URL).protocol : undefined;
  const protocol = base ?? `${request.headers.get('x-forwarded-proto') ?? request.nextUrl.protocol.replace(':', '')}:`;
  const token = await getToken({ req: request, secret, secureCookie: protocol === 'https:' }).catch(() => null);
  return !!token?.sub;
}

/** The LiveKit server browsers connect to for meetings (signalling websocket and its HTTP checks). */
function liveKitOrigins(): string {
  const url = process.env.LIVEKIT_PUBLIC_URL || process.env.LIVEKIT_URL;
  if (!url) return '';
  try {
    const { host, protocol } = new URL(url);
    const secure = protocol === 'https:' || protocol === 'wss:';
    return ` ${secure ? 'wss' : 'ws'}://${host} ${secure ? 'https' : 'http'}://${host}`;
  } catch {
    return '';
  }
}

/** A fresh, unguessable value per response: 128 random bits, base64. */
function createNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}

/**
 * Scripts run only when they carry this response's nonce (Next.js adds it to its own scripts
 * when it finds the policy on the request), or when such a script loads them ('strict-dynamic':
 * Next's chunks). CSP3 browsers then ignore 'self'; it is the fallback for older ones. No
 * 'unsafe-inline': code an attacker gets into the markup (a <script> tag, an event handler
 * attribute, a javascript: link) never runs.
 */
function contentSecurityPolicy(nonce: string, isProduction: boolean): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code to rebuild server error stacks; production never does.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${isProduction ? '' : " 'unsafe-eval'"}`,
    // React style attributes and recharts set inline styles; a nonce cannot cover attributes.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self'",
    `connect-src 'self'${liveKitOrigins()}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // The dashboard and every other page of the app refuse to be framed (clickjacking).
    "frame-ancestors 'none'",
  ].join('; ');
}

// The request gate (Next.js 16's proxy.ts): sign-in for /dashboard, security headers for all.
// It only checks that a session token is valid; pages re-check user, membership and role.
export async function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  if (pathname.startsWith('/dashboard') && !(await hasSession(request))) {
    const signIn = new URL('/sign-in', request.nextUrl.origin);
    signIn.searchParams.set('callbackUrl', `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }
  const isProduction = process.env.NODE_ENV === 'production';
  // The widget's chat frame (app/widget/[widgetId]/route.ts) is meant to be framed by the
  // widget's allowed sites: it sends its own CSP with their frame-ancestors.
  const isWidgetFrame = /^\/widget\/[^/]+$/.test(pathname);
  let response: NextResponse;
  if (isWidgetFrame) {
    response = NextResponse.next();
  } else {
    // Next.js reads the nonce from the policy on the request and puts it on every script it
    // renders; pages that add a script tag of their own read it from x-nonce.
    const nonce = createNonce();
    const policy = contentSecurityPolicy(nonce, isProduction);
    const requestHeaders = new Headers(request.headers);
    requestHeaders.set('x-nonce', nonce);
    requestHeaders.set('Content-Security-Policy', policy);
    response = NextResponse.next({ request: { headers: requestHeaders } });
    response.headers.set('Content-Security-Policy', policy);
    response.headers.set('X-Frame-Options', 'DENY');
    response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  }
  response.headers.set('X-Content-Type-Options', 'nosniff');
  // Browsers ignore HSTS over plain HTTP, so it is safe behind a TLS-terminating proxy too.
  if (isProduction) response.headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  return response;
}

export const config = {
  // Not the knowledge upload route: Next.js copies the body of every request the proxy sees into
  // memory and cuts it at 10 MB. The route checks its own session and role, and streams the body
  // with its own limit (KNOWLEDGE_MAX_UPLOAD_MB).
  matcher: ['/((?!_next/static|_next/image|favicon.ico|api/knowledge/documents$).*)'],
};
