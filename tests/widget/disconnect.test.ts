import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POST as sendMessage } from '@/app/api/widget/[widgetId]/messages/route';
import { POST as startSession } from '@/app/api/widget/[widgetId]/sessions/route';
import type { Database } from '@/db/client';
import { aiPersonalities, messages } from '@/db/schema';
import type { StartedSession } from '@/lib/widget/client/types';
import { startOpenAiServer, type OpenAiTestServer } from '../helpers/openai-server';
import { createWidgetFixture, frameRequest, HOST_ORIGIN, routeParams } from '../helpers/widget';

// A model is configured for this file (a local OpenAI-compatible server), so the reply is
// produced by a streamed model call, not quoted passages.
describe('a visitor who leaves mid-stream', () => {
  let server: OpenAiTestServer;
  let db: Database;
  let closeDatabase: () => Promise<void>;
  beforeAll(async () => {
    server = await startOpenAiServer();
    // Read once by getEnv(), which caches: set before anything touches the environment.
    process.env.OPENAI_API_KEY = 'test-key';
    process.env.OPENAI_BASE_URL = server.baseURL;
    const client = await import('@/db/client');
    ({ db } = await client.getDatabase());
    closeDatabase = client.closeDatabase;
  });
  afterAll(async () => {
    await server.close();
    await closeDatabase();
  });

  it('still gets the whole reply stored, with its cost', async () => {
    const { tenantId, widget } = await createWidgetFixture(db);
    await db.update(aiPersonalities).set({ preferredModel: 'gpt-4o-mini' }).where(eq(aiPersonalities.tenantId, tenantId));
    const started = await startSession(frameRequest(`/api/widget/${widget.id}/sessions`, { body: { hostOrigin: HOST_ORIGIN } }), routeParams(widget.id));
    const { token, sessionId } = (await started.json()) as StartedSession;
    const answer = 'Returns are accepted within 30 days of delivery, free of charge, as long as the item is unused [1].';
    server.scriptChat({ text: answer, promptTokens: 900, completionTokens: 40 });

    const response = await sendMessage(frameRequest(`/api/widget/${widget.id}/messages`, { token, body: { content: 'Can I return things?' } }), routeParams(widget.id));
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toContain('"type":"start"');
    // The visitor closes the tab: the stream is cancelled before any of the answer arrived.
    await reader.cancel();

    let reply: typeof messages.$inferSelect | undefined;
    for (let attempt = 0; attempt < 100; attempt++) {
      const rows = await db.select().from(messages).where(eq(messages.sessionId, sessionId)).orderBy(messages.createdAt);
      reply = rows.find((row) => row.role === 'assistant');
      if (reply?.status !== 'streaming') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(reply).toMatchObject({ status: 'complete', content: answer, metadata: { answerMode: 'model', model: 'gpt-4o-mini', inputTokens: 900, outputTokens: 40 } });
    expect(reply!.metadata.costUsd).toMatch(/^0\.0001/);
  });
});
