import NextAuth from 'next-auth';
import { NextResponse } from 'next/server';
import { edgeAuthConfig } from '@/lib/auth/edge-config';

const { auth } = NextAuth(edgeAuthConfig);

function contentSecurityPolicy(isProduction: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'unsafe-inline'${isProduction ? '' : " 'unsafe-eval'"}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob: https:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    // The dashboard and every other page of the app refuse to be framed (clickjacking).
    "frame-ancestors 'none'",
  ].join('; ');
}

// The request gate (Next.js 16's proxy.ts): sign-in for /dashboard, security headers for all.
// It only checks that a session token is valid; pages re-check user, membership and role.
export const proxy = auth((request) => {
  const { pathname, search } = request.nextUrl;
  if (pathname.startsWith('/dashboard') && !request.auth?.user) {
    const signIn = new URL('/sign-in', request.nextUrl.origin);
    signIn.searchParams.set('callbackUrl', `${pathname}${search}`);
    return NextResponse.redirect(signIn);
  }
  const response = NextResponse.next();
  const isProduction = process.env.NODE_ENV === 'production';
  response.headers.set('Content-Security-Policy', contentSecurityPolicy(isProduction));
  response.headers.set('X-Content-Type-Options', 'nosniff');
  response.headers.set('Referrer-Policy', 'strict-origin-when-cross-origin');
  response.headers.set('X-Frame-Options', 'DENY');
  // Browsers ignore HSTS over plain HTTP, so it is safe behind a TLS-terminating proxy too.
  if (isProduction) response.headers.set('Strict-Transport-Security', 'max-age=63072000; includeSubDomains');
  return response;
});

export const config = {
  matcher: ['/((?!_next/static|_next/image|favicon.ico).*)'],
};
