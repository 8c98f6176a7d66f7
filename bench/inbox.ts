// Human handoff benchmark: with 50 open conversations, each with the visitor's live stream
// connected (GET /api/widget/:id/live), the time from a member's reply (what the Inbox action
// runs: withTenant, which re-checks the membership, then the reply) to its first byte in the
// visitor's stream. (The action module itself needs Next's request context, so the bench runs
// its transaction directly.) Route handlers and actions are called in process, on
// embedded PGlite in memory: the numbers are the app's work (transaction, notification, read,
// write to the stream), not a network's.
import { performance } from 'node:perf_hooks';
import { POST as postHandoff } from '../app/api/widget/[widgetId]/handoff/route';
import { GET as openLive } from '../app/api/widget/[widgetId]/live/route';
import { POST as startSession } from '../app/api/widget/[widgetId]/sessions/route';
import type { Database } from '../db/client';
import { closeConversationUpdates } from '../db/conversation-updates';
import { createPersonality } from '../db/queries/personalities';
import { createWidget } from '../db/queries/widgets';
import { handoffs, memberships, tenants, users } from '../db/schema';
import { scopeToSystem, scopeToTenant, withTenant } from '../db/withTenant';
import { claimHandoff, type Member, replyAsMember } from '../lib/handoff/conversation';
import type { LiveEvent, StartedSession } from '../lib/widget/client/types';

const HOST = 'https://bench.example';
const OPEN_CONVERSATIONS = 50;
const SEQUENTIAL_REPLIES = 300;
const GOAL_P95_MS = 1000;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

function request(widgetId: string, path: string, token: string, ip: string, body?: unknown) {
  return new Request(`http://app.bench/api/widget/${widgetId}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', 'sec-fetch-site': 'same-origin', 'x-forwarded-for': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Reads a visitor's live stream, resolving waiters when a message with the awaited text arrives. */
function follow(stream: NonNullable<Response['body']>) {
  const waiters = new Map<string, (at: number) => void>();
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  void (async () => {
    let buffered = '';
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done) return;
      const at = performance.now();
      buffered += value;
      const blocks = buffered.split('\n\n');
      buffered = blocks.pop()!;
      for (const block of blocks) {
        if (!block.startsWith('data: ')) continue;
        const event = JSON.parse(block.slice(6)) as LiveEvent;
        if (event.type === 'message') waiters.get(event.message.content)?.(at);
      }
    }
  })();
  return {
    arrival: (content: string) => new Promise<number>((resolve) => waiters.set(content, resolve)),
    stop: () => reader.cancel(),
  };
}

export async function benchInbox(db: Database) {
  console.log(`\n## Handoff: a member's reply to its first byte in the visitor's live stream (${OPEN_CONVERSATIONS} open conversations, embedded PGlite)`);
  const [tenant] = await scopeToSystem(db, (tx) => tx.insert(tenants).values({ name: 'Inbox bench', publishableKey: `pk_bench_inbox_${Date.now()}` }).returning({ id: tenants.id }));
  const tenantId = tenant!.id;
  const [member] = await db.insert(users).values({ email: `agent-${Date.now()}@bench.example`, name: 'Bench agent' }).returning();
  await db.insert(memberships).values({ tenantId, userId: member!.id, role: 'member' });
  const widget = await scopeToTenant(db, tenantId, async (tx) => {
    await createPersonality(tx, { tenantId, name: 'Bench', systemPrompt: 'Answer from the knowledge.', isDefault: true });
    return createWidget(tx, { tenantId, name: 'Bench widget', allowedOrigins: [HOST] });
  });
  const params = { params: Promise.resolve({ widgetId: widget.id }) };
  const session = { userId: member!.id, tenantId };
  const asMember = (context: { tenantId: string; userId: string; role: Member['role'] }): Member => ({ ...context, name: 'Bench agent' });

  const conversations: Array<StartedSession & { live: ReturnType<typeof follow> }> = [];
  for (let i = 0; i < OPEN_CONVERSATIONS; i++) {
    const ip = `10.9.${i}.1`;
    const started = (await (await startSession(request(widget.id, 'sessions', '', ip, { hostOrigin: HOST }), params)).json()) as StartedSession;
    await postHandoff(request(widget.id, 'handoff', started.token, ip, { action: 'request' }), params);
    const live = await openLive(request(widget.id, 'live', started.token, ip), params);
    conversations.push({ ...started, live: follow(live.body!) });
  }
  const open = await db.select({ id: handoffs.id, sessionId: handoffs.sessionId }).from(handoffs);
  const handoffOf = new Map(open.map((row) => [row.sessionId, row.id]));
  for (const conversation of conversations) await withTenant(session, (tx, context) => claimHandoff(tx, asMember(context), handoffOf.get(conversation.sessionId)!));

  const reply = async (index: number, n: number) => {
    const conversation = conversations[index % OPEN_CONVERSATIONS]!;
    const content = `Reply ${n} to conversation ${index % OPEN_CONVERSATIONS}`;
    const arrival = conversation.live.arrival(content);
    const t0 = performance.now();
    await withTenant(session, (tx, context) => replyAsMember(tx, asMember(context), handoffOf.get(conversation.sessionId)!, content));
    return (await arrival) - t0;
  };

  for (let i = 0; i < 20; i++) await reply(i, -1 - i); // warm-up
  const sequential: number[] = [];
  for (let i = 0; i < SEQUENTIAL_REPLIES; i++) sequential.push(await reply(i, i));
  // A burst: every member of a busy team replies at once, one reply per open conversation.
  const burst = await Promise.all(Array.from({ length: OPEN_CONVERSATIONS }, (_, i) => reply(i, 10_000 + i)));
  for (const [label, samples] of [[`${SEQUENTIAL_REPLIES} replies one after another`, sequential], [`${OPEN_CONVERSATIONS} replies at once`, burst]] as const) {
    samples.sort((a, b) => a - b);
    const p95 = percentile(samples, 95);
    console.log(
      `${label.padEnd(34)} p50 ${percentile(samples, 50).toFixed(1)} ms   p95 ${p95.toFixed(1)} ms   max ${samples.at(-1)!.toFixed(1)} ms   ` +
        `(p95 is ${(p95 / GOAL_P95_MS).toFixed(3)}x the 1 s goal)`,
    );
  }
  for (const conversation of conversations) await conversation.live.stop();
  await closeConversationUpdates();
}
