import { subscribeToConversationUpdates } from '@/db/conversation-updates';
import { TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { inboxSnapshot } from '@/lib/handoff/inbox';

export const dynamic = 'force-dynamic';

export const INBOX_STREAM = {
  /** Changes arriving together are sent as one snapshot. */
  debounceMs: 100,
  /** A snapshot at least this often (waiting times move on; membership is re-checked). */
  refreshSeconds: 15,
  /** The stream ends after this long; EventSource reconnects on its own. */
  maxSeconds: 300,
};

/**
 * The Inbox, live: server-sent events with a snapshot of the open handoffs and their counts,
 * sent when any conversation of the workspace changes (PostgreSQL notifications, so a visitor
 * on another app instance counts too) and every few seconds. `changed` lists the conversations
 * that changed, so an open transcript can refresh itself. Each snapshot is read in withTenant,
 * which re-checks the membership: a removed member's stream ends.
 */
export async function GET() {
  const session = await getCurrentSession();
  if (!session) return Response.json({ error: 'Sign in to see the Inbox.' }, { status: 401 });
  const encoder = new TextEncoder();
  const endsAt = Date.now() + INBOX_STREAM.maxSeconds * 1000;
  let cancelled = false;
  let wake = () => {};
  const stream = new ReadableStream<Uint8Array>({
    async start(controller) {
      const changed = new Set<string>();
      const unsubscribe = await subscribeToConversationUpdates((update) => {
        if (update.tenantId !== session.tenantId) return;
        changed.add(update.sessionId);
        wake();
      });
      try {
        controller.enqueue(encoder.encode('retry: 2000\n\n'));
        let first = true;
        while (!cancelled && Date.now() < endsAt) {
          // Changes that arrived while the last snapshot was read are sent without waiting.
          if (!first && changed.size === 0) {
            let timer: NodeJS.Timeout | undefined;
            await new Promise<void>((resolve) => {
              wake = resolve;
              timer = setTimeout(resolve, Math.min(INBOX_STREAM.refreshSeconds * 1000, Math.max(0, endsAt - Date.now())));
            });
            clearTimeout(timer);
          }
          if (cancelled) break;
          if (!first && changed.size > 0) await new Promise((resolve) => setTimeout(resolve, INBOX_STREAM.debounceMs));
          first = false;
          const sessions = [...changed];
          changed.clear();
          const snapshot = await withTenant(session, (tx) => inboxSnapshot(tx, session.tenantId, session.userId));
          controller.enqueue(encoder.encode(`data: ${JSON.stringify({ ...snapshot, changed: sessions })}\n\n`));
        }
      } catch (error) {
        if (!(error instanceof TenantAccessError) && !cancelled) console.error('Inbox stream failed', error);
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
  return new Response(stream, { headers: { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' } });
}
