import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Transaction } from '../client';
import { type AttachmentMediaType, costEvents, type MessageAttachment, messageAttachments, sessions } from '../schema';
import { startExchange } from './conversations';
import { executeRows } from '../sql';

// Images visitors attach in the widget, and what a conversation has used of its voice and
// image allowance (clips and seconds billed for speech recognition, images stored).

export type SessionMediaUsage = { clips: number; secondsToday: number; images: number };

export async function getSessionMediaUsage(tx: Transaction, tenantId: string, sessionId: string): Promise<SessionMediaUsage> {
  const [row] = await executeRows<SessionMediaUsage>(
    tx,
    sql`select
      (select count(*)::int from cost_events where tenant_id = ${tenantId} and session_id = ${sessionId} and service = 'voice_stt') as clips,
      (select coalesce(sum(units), 0) * 60 from cost_events where tenant_id = ${tenantId} and session_id = ${sessionId} and service = 'voice_stt'
        and occurred_at >= date_trunc('day', now(), 'UTC'))::float8 as "secondsToday",
      (select count(*)::int from message_attachments where tenant_id = ${tenantId} and session_id = ${sessionId}) as images`,
  );
  return row!;
}

/** Serialises media uploads of one conversation, so two at once cannot both pass its limits. */
export async function lockSessionForMedia(tx: Transaction, tenantId: string, sessionId: string): Promise<void> {
  await tx.select({ id: sessions.id }).from(sessions).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, sessionId))).for('update');
}

/** The visitor's message carrying an image, the image, and the reply to come (streaming), in one go. */
export async function startImageExchange(
  tx: Transaction,
  values: { tenantId: string; sessionId: string; content: string; image: { bytes: Buffer; mediaType: AttachmentMediaType; width: number; height: number } },
) {
  const { tenantId, sessionId, image } = values;
  const id = crypto.randomUUID();
  const attachment: MessageAttachment = {
    type: 'image',
    id,
    // Members only: the dashboard route checks the session and the tenant (RLS) before serving it.
    url: `/dashboard/conversations/attachments/${id}`,
    mediaType: image.mediaType,
    size: image.bytes.length,
    width: image.width,
    height: image.height,
  };
  const exchange = await startExchange(tx, tenantId, sessionId, values.content, {}, [attachment]);
  const { width, height, mediaType, bytes } = image;
  await tx.insert(messageAttachments).values({ id, tenantId, sessionId, messageId: exchange.question.id, mediaType, width, height, byteSize: bytes.length, bytes });
  return exchange;
}

export async function getAttachment(tx: Transaction, tenantId: string, attachmentId: string) {
  const [row] = await tx
    .select()
    .from(messageAttachments)
    .where(and(eq(messageAttachments.tenantId, tenantId), eq(messageAttachments.id, attachmentId)));
  return row;
}

/** A conversation's spend per service (model, speech both ways, images), summed in SQL. */
export async function getSessionCostsByService(tx: Transaction, tenantId: string, sessionId: string) {
  return tx
    .select({
      service: costEvents.service,
      costUsd: sql<string>`sum(${costEvents.costUsd})::text`,
      units: sql<string>`sum(${costEvents.units})::text`,
      unit: sql<string | null>`min(${costEvents.unit})`,
      events: sql<number>`count(*)::int`,
    })
    .from(costEvents)
    .where(and(eq(costEvents.tenantId, tenantId), eq(costEvents.sessionId, sessionId)))
    .groupBy(costEvents.service)
    .orderBy(costEvents.service);
}
