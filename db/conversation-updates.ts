import 'server-only';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { type DatabaseHandle, getDatabase, type Transaction } from './client';
import { processSingleton } from './process-singleton';

// Live updates of conversations (a member's reply for the visitor's frame, a new handoff for
// the Inbox) travel as PostgreSQL notifications, so they reach every app instance, and only
// once the change has committed (NOTIFY is transactional). The payload is ids only; listeners
// read what changed through their own tenant scope. One LISTEN connection per process fans out
// to in-process subscribers. On PostgreSQL it is a direct session connection (the queue's URL,
// DATABASE_DIRECT_URL when set), since LISTEN cannot work through a transaction-mode pooler.

const CHANNEL = 'conversation_updates';

export type ConversationUpdate = { tenantId: string; sessionId: string };
type Listener = (update: ConversationUpdate) => void;

/** Announces, when `tx` commits, that the conversation changed. */
export async function notifyConversationUpdate(tx: Transaction, tenantId: string, sessionId: string): Promise<void> {
  await tx.execute(sql`select pg_notify(${CHANNEL}, ${`${tenantId}:${sessionId}`})`);
}

type Hub = { handle: DatabaseHandle; listeners: Set<Listener>; stop: () => Promise<void> };

async function startHub(): Promise<Hub> {
  const handle = await getDatabase();
  const listeners = new Set<Listener>();
  const dispatch = (payload: string) => {
    const [tenantId, sessionId] = payload.split(':');
    if (!tenantId || !sessionId) return;
    for (const listener of listeners) listener({ tenantId, sessionId });
  };
  if ('pglite' in handle.queue) {
    const unlisten = await handle.queue.pglite.listen(CHANNEL, dispatch);
    return { handle, listeners, stop: () => unlisten().catch(() => {}) };
  }
  const connection = postgres(handle.queue.url, { max: 1, onnotice: () => {} });
  await connection.listen(CHANNEL, dispatch);
  return { handle, listeners, stop: () => connection.end({ timeout: 1 }) };
}

const hub = processSingleton('conversation-updates', startHub, (instance) => instance.stop());

/** Calls `listener` for every committed conversation change in any tenant; returns the unsubscribe. */
export async function subscribeToConversationUpdates(listener: Listener): Promise<() => void> {
  let instance = await hub.get();
  // The database was closed and reopened (tests, benchmarks): listen on the current one.
  if (instance.handle !== (await getDatabase())) {
    await hub.close();
    instance = await hub.get();
  }
  instance.listeners.add(listener);
  return () => instance.listeners.delete(listener);
}

export const closeConversationUpdates = hub.close;
