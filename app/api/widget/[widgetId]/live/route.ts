import { subscribeToConversationUpdates } from '@/db/conversation-updates';
import { withTenantId } from '@/db/withTenant';
import { visitorHandoffView } from '@/lib/handoff/conversation';
import type { LiveEvent } from '@/lib/widget/client/types';
import { authorizeVisitor, WIDGET_LIMITS } from '@/lib/widget/public-api';
import { visitorTranscript } from '@/lib/widget/visitor-session';

export const dynamic = 'force-dynamic';

export const LIVE_STREAM = {
  /** A stream ends after this long (or when the visitor token expires); the frame reconnects, re-authorized. */
  maxSeconds: 300,
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatSeconds: 20,
  /** While waiting for a person, the pickup deadline (lead capture) is re-checked this often. */
  waitingRecheckSeconds: 5,
};

/**
 * The visitor's live channel while a person is involved: server-sent events (`data:` JSON lines)
 * with the team's replies and handoff notices as they are committed, and the handoff state when
 * it changes. Woken by PostgreSQL notifications (db/conversation-updates.ts), so a member's reply
 * reaches the frame whichever app instance it was written on. `?since=<ISO time>` resumes after
 * what the frame already shows. The stream ends when the assistant has the conversation back.
 */
export async function GET(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  const visitor = await authorizeVisitor(request, (await params).widgetId, ({ sessionId }) => [
    { key: `widget:live:${sessionId}`, ...WIDGET_LIMITS.liveStreamsPerSession },
  ]);
  if ('response' in visitor) return visitor.response;
  const { tenantId } = visitor.widget;
  const { sessionId, identity } = visitor;
  const sinceParam = new URL(request.url).searchParams.get('since');
  const since = sinceParam && !Number.isNaN(Date.parse(sinceParam)) ? new Date(sinceParam) : new Date();
  const endsAt = Math.min(Date.now() + LIVE_STREAM.maxSeconds * 1000, identity?.expiresAt.getTime() ?? Number.POSITIVE_INFINITY);
  const encoder = new TextEncoder();

  let cancelled = false;
  let wake = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const write = (text: string) => controller.enqueue(encoder.encode(text));
      const send = (event: LiveEvent) => write(`data: ${JSON.stringify(event)}\n\n`);
      let changed = true;
      const unsubscribe = await subscribeToConversationUpdates((update) => {
        if (update.sessionId === sessionId && update.tenantId === tenantId) {
          changed = true;
          wake();
        }
      });
      const delivered = new Set<string>();
      let cursor = since;
      let lastState = '';
      try {
        write('retry: 2000\n\n');
        while (!cancelled && Date.now() < endsAt) {
          if (changed) {
            changed = false;
            const { items, state } = await withTenantId(tenantId, async (tx) => ({
              items: await visitorTranscript(tx, tenantId, sessionId, cursor),
              state: await visitorHandoffView(tx, { tenantId, sessionId }),
            }));
            for (const message of items) {
              // Assistant answers reach the frame through the reply stream of the message that asked.
              if (message.role === 'assistant' || delivered.has(message.id)) continue;
              delivered.add(message.id);
              send({ type: 'message', message });
              if (message.at > cursor.toISOString()) cursor = new Date(message.at);
            }
            const serialized = JSON.stringify(state);
            if (serialized !== lastState) {
              lastState = serialized;
              send({ type: 'state', state });
            }
            if (state.status === 'assistant') break;
          }
          // A change committed while the last one was being read: read again before pausing.
          if (changed) continue;
          const waiting = lastState.includes('"status":"waiting"');
          const pause = Math.min((waiting ? LIVE_STREAM.waitingRecheckSeconds : LIVE_STREAM.heartbeatSeconds) * 1000, Math.max(0, endsAt - Date.now()));
          let timer: NodeJS.Timeout | undefined;
          const timedOut = await new Promise<boolean>((resolve) => {
            wake = () => resolve(false);
            timer = setTimeout(() => resolve(true), pause);
          });
          clearTimeout(timer);
          if (timedOut) {
            if (waiting) changed = true;
            else write(': keep-alive\n\n');
          }
        }
      } catch (error) {
        if (!cancelled) console.error('Visitor live stream failed', { sessionId, error: error instanceof Error ? error.message : String(error) });
      } finally {
        unsubscribe();
        if (!cancelled) controller.close();
      }
    },
    cancel() {
      cancelled = true;
      wake();
    },
  });
  return new Response(stream, {
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' },
  });
}
