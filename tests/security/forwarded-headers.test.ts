import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as sendMessage } from '@/app/api/widget/[widgetId]/messages/route';
import { POST as startSession } from '@/app/api/widget/[widgetId]/sessions/route';
import { POST as reportUsage } from '@/app/api/v1/usage/route';
import { GET as authGet, POST as authPost } from '@/app/api/auth/[...nextauth]/route';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue } from '@/db/queue';
import { SIGN_IN_LIMITS } from '@/lib/auth/config';
import { USAGE_API_LIMITS } from '@/lib/costs/usage-api';
import { WIDGET_LIMITS } from '@/lib/widget/public-api';
import { serveRoute } from '../helpers/http-route';
import { createWidgetFixture, HOST_ORIGIN } from '../helpers/widget';

// The attack from issue #11: every request claims another address in X-Forwarded-For (and its
// cousins). Served over real HTTP, as `next start` does, each per-address limit must still
// count them as the one client they are (the TCP peer), since no proxy is trusted by default.

const forged = (i: number) => ({
  'x-forwarded-for': `203.0.113.${i % 250}`,
  'x-real-ip': `198.51.100.${i % 250}`,
  forwarded: `for=192.0.2.${i % 250}`,
  'x-client-address': `192.0.2.${i % 250}`,
});

async function withLimit<T>(target: { limit: number; windowSeconds: number }, limit: number, run: () => Promise<T>): Promise<T> {
  const saved = { ...target };
  Object.assign(target, { limit, windowSeconds: 600 });
  try {
    return await run();
  } finally {
    Object.assign(target, saved);
  }
}

describe('per-address limits against forged forwarding headers', () => {
  let db: Database;
  let fixture: Awaited<ReturnType<typeof createWidgetFixture>>;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    fixture = await createWidgetFixture(db);
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
  });

  const widgetRoute = (handler: typeof startSession) => (request: Request) =>
    handler(request, { params: Promise.resolve({ widgetId: new URL(request.url).pathname.split('/')[3]! }) });

  it('new widget conversations', async () => {
    const server = await serveRoute(widgetRoute(startSession));
    try {
      const statuses = await withLimit(WIDGET_LIMITS.sessionsPerIp, 5, async () => {
        const results = [];
        for (let i = 0; i < 8; i++) {
          const response = await fetch(`${server.url}/api/widget/${fixture.widget.id}/sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...forged(i) },
            body: JSON.stringify({ hostOrigin: HOST_ORIGIN }),
          });
          results.push(response.status);
        }
        return results;
      });
      expect(statuses).toEqual([201, 201, 201, 201, 201, 429, 429, 429]);
    } finally {
      await server.close();
    }
  });

  it('new widget conversations are capped per widget, whatever the address', async () => {
    const server = await serveRoute(widgetRoute(startSession));
    try {
      const statuses = await withLimit(WIDGET_LIMITS.sessionsPerWidget, 2, () =>
        withLimit(WIDGET_LIMITS.sessionsPerIp, 100, async () => {
          const results = [];
          for (let i = 0; i < 3; i++) {
            const response = await fetch(`${server.url}/api/widget/${fixture.otherWidget.id}/sessions`, {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin' },
              body: JSON.stringify({ hostOrigin: HOST_ORIGIN }),
            });
            results.push(response.status);
          }
          return results;
        }),
      );
      expect(statuses).toEqual([201, 201, 429]);
    } finally {
      await server.close();
    }
  });

  it('widget messages', async () => {
    const sessions = await serveRoute(widgetRoute(startSession));
    const messages = await serveRoute(widgetRoute(sendMessage));
    try {
      const statuses = await withLimit(WIDGET_LIMITS.messagesPerIp, 3, async () => {
        const results = [];
        for (let i = 0; i < 5; i++) {
          // A fresh conversation each time, so only the per-address limit can refuse.
          const started = await fetch(`${sessions.url}/api/widget/${fixture.widget.id}/sessions`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', ...forged(100 + i) },
            body: JSON.stringify({ hostOrigin: HOST_ORIGIN }),
          });
          const { token } = (await started.json()) as { token: string };
          const response = await fetch(`${messages.url}/api/widget/${fixture.widget.id}/messages`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', authorization: `Bearer ${token}`, ...forged(i) },
            body: JSON.stringify({ content: 'How do returns work?' }),
          });
          await response.arrayBuffer();
          results.push(response.status);
        }
        return results;
      });
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
    } finally {
      await sessions.close();
      await messages.close();
    }
  });

  it('the usage API', async () => {
    const server = await serveRoute(reportUsage);
    try {
      const statuses = await withLimit(USAGE_API_LIMITS.perIp, 3, async () => {
        const results = [];
        for (let i = 0; i < 5; i++) {
          const response = await fetch(`${server.url}/api/v1/usage`, { method: 'POST', headers: { 'content-type': 'application/json', ...forged(i) }, body: '{}' });
          results.push(response.status);
        }
        return results;
      });
      // Without a key the first three are 401; then the address is out of requests.
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await server.close();
    }
  });

  it('password sign-in', async () => {
    const server = await serveRoute((request) => (request.method === 'GET' ? authGet(request as never) : authPost(request as never)));
    try {
      const codes = await withLimit(SIGN_IN_LIMITS.perIp, 3, async () => {
        const results = [];
        for (let i = 0; i < 5; i++) {
          const csrf = await fetch(`${server.url}/api/auth/csrf`, { headers: forged(i) });
          const { csrfToken } = (await csrf.json()) as { csrfToken: string };
          const cookie = csrf.headers.getSetCookie().map((value) => value.split(';')[0]).join('; ');
          const response = await fetch(`${server.url}/api/auth/callback/credentials`, {
            method: 'POST',
            redirect: 'manual',
            headers: { 'content-type': 'application/x-www-form-urlencoded', cookie, ...forged(i) },
            // A different email each time, so only the per-address limit can refuse.
            body: new URLSearchParams({ email: `nobody${i}@example.com`, password: 'wrong-password', csrfToken }),
          });
          results.push(new URL(response.headers.get('location') ?? '', server.url).searchParams.get('code'));
        }
        return results;
      });
      expect(codes).toEqual(['credentials', 'credentials', 'credentials', 'rate_limited', 'rate_limited']);
    } finally {
      await server.close();
    }
  });
});
