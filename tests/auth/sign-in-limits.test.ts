import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GET as authGet, POST as authPost } from '@/app/api/auth/[...nextauth]/route';
import { closeDatabase, getDatabase } from '@/db/client';
import { users } from '@/db/schema';
import { SIGN_IN_LIMITS } from '@/lib/auth/config';
import { hashPassword } from '@/lib/auth/passwords';
import { serveRoute } from '../helpers/http-route';

const EMAIL = 'frequent@example.com';
const PASSWORD = 'correct horse battery staple';

describe('the per-account sign-in limit', () => {
  let server: Awaited<ReturnType<typeof serveRoute>>;
  const saved = { ...SIGN_IN_LIMITS.perEmail };

  beforeAll(async () => {
    const { db } = await getDatabase();
    await db.insert(users).values({ email: EMAIL, name: 'Frequent', passwordHash: await hashPassword(PASSWORD) });
    server = await serveRoute((request) => (request.method === 'GET' ? authGet(request as never) : authPost(request as never)));
    Object.assign(SIGN_IN_LIMITS.perEmail, { limit: 3 });
  });

  afterAll(async () => {
    Object.assign(SIGN_IN_LIMITS.perEmail, saved);
    await server.close();
    await closeDatabase();
  });

  /** One password sign-in over HTTP; the error code Auth.js redirects with, or null on success. */
  async function signIn(password: string): Promise<string | null> {
    const csrf = await fetch(`${server.url}/api/auth/csrf`);
    const { csrfToken } = (await csrf.json()) as { csrfToken: string };
    const cookie = csrf.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
    const response = await fetch(`${server.url}/api/auth/callback/credentials`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      body: new URLSearchParams({ email: EMAIL, password, csrfToken }),
    });
    return new URL(response.headers.get('location') ?? '', server.url).searchParams.get('code');
  }

  it('counts wrong passwords only: signing in often never locks the account', async () => {
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await signIn(PASSWORD));
    expect(results).toEqual([null, null, null, null, null, null]);

    const guesses = [];
    for (let i = 0; i < 4; i++) guesses.push(await signIn('wrong password'));
    expect(guesses).toEqual(['credentials', 'credentials', 'credentials', 'rate_limited']);
    // Once the guesses used the limit up, even the right password waits for the window.
    expect(await signIn(PASSWORD)).toBe('rate_limited');
  });
});
