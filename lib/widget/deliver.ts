import 'server-only';
import { getOpenHandoff, getSupportSettings } from '@/db/queries/handoffs';
import type { MessageMetadata } from '@/db/schema';
import { withTenantId } from '@/db/withTenant';
import { AssistantSilencedError, ReplyRequestError, streamReply } from '@/lib/ai/engine';
import { raiseBudgetAlerts } from '@/lib/costs/alerts';
import { checkSpendLimits, SPEND_REFUSAL_MESSAGES, type SpendRefusal, type SpendScope } from '@/lib/costs/budget';
import { requestHandoff, storeMessageForTeam } from '@/lib/handoff/conversation';
import { notifyTeamOfHandoff } from '@/lib/handoff/notify';
import { asksForPerson } from '@/lib/handoff/phrases';
import type { VisitorMessage } from './client/types';
import { invalidSession, type VisitorRequest, widgetError } from './public-api';
import { toVisitorMessage } from './visitor-session';

// Where a visitor's message goes, typed or spoken: to the team while a person owns the
// conversation (or when it asks for one), otherwise to the assistant, within the spend limits.

/** Sent to the team instead of the assistant: 202 with the stored message (no reply stream). */
export const toTeam = (message: VisitorMessage) =>
  Response.json({ message, forwardedToTeam: true }, { status: 202, headers: { 'Cache-Control': 'no-store' } });

/** The widget's spend limits as the budget code takes them. */
export const widgetSpendScope = (visitor: Pick<VisitorRequest, 'widget' | 'sessionId'>): SpendScope & { sessionId: string } => ({
  tenantId: visitor.widget.tenantId,
  sessionId: visitor.sessionId,
  widget: { id: visitor.widget.id, dailySpendCapUsd: visitor.widget.settings.dailySpendCapUsd, visitorDailySpendCapUsd: visitor.widget.settings.visitorDailySpendCapUsd },
});

/** A refusal for a spend limit that is reached; undefined when spending may go on. */
export async function spendLimitRefusal(visitor: Pick<VisitorRequest, 'widget' | 'sessionId'>): Promise<Response | undefined> {
  const tenantId = visitor.widget.tenantId;
  const refused = await withTenantId(tenantId, (tx) => checkSpendLimits(tx, widgetSpendScope(visitor)));
  return refused ? spendRefusalResponse(tenantId, refused) : undefined;
}

export async function spendRefusalResponse(tenantId: string, refused: SpendRefusal): Promise<Response> {
  if (refused === 'monthly_cap') {
    // The scheduled rollup would raise it within a minute; the first refused visitor does it now.
    await raiseBudgetAlerts(tenantId);
    return widgetError(503, 'unavailable', 'The assistant is unavailable right now. Please try again later.');
  }
  // The widget's own daily ceilings (the engine also reserves against them for each reply).
  if (refused === 'widget_daily_cap') return widgetError(503, 'unavailable', SPEND_REFUSAL_MESSAGES[refused]);
  return widgetError(429, 'rate_limited', SPEND_REFUSAL_MESSAGES[refused]);
}

/**
 * Delivers a visitor message: `{ response }` when it went to the team or was refused,
 * `{ reply }` with the assistant's NDJSON reply stream otherwise. The engine stores the
 * message before any model is called and finishes and stores the reply even if the visitor
 * leaves.
 */
export async function deliverVisitorMessage(
  visitor: VisitorRequest,
  content: string,
  questionMetadata?: Pick<MessageMetadata, 'voiceSeconds'>,
): Promise<{ response: Response } | { reply: ReadableStream<Uint8Array> }> {
  const { tenantId } = visitor.widget;
  const { sessionId } = visitor;
  const gate = await withTenantId(tenantId, async (tx) => {
    if (await getOpenHandoff(tx, tenantId, sessionId)) return { to: 'team' as const, message: await storeMessageForTeam(tx, tenantId, sessionId, content) };
    if (asksForPerson(content) && (await getSupportSettings(tx, tenantId)).handoffEnabled) {
      const message = await storeMessageForTeam(tx, tenantId, sessionId, content);
      const { handoff, opened } = await requestHandoff(tx, { tenantId, sessionId, reason: 'keyword' });
      return { to: 'team' as const, message, handoffId: opened ? handoff.id : undefined };
    }
    return { to: (await checkSpendLimits(tx, widgetSpendScope(visitor))) ?? ('assistant' as const) };
  });
  if (gate.to === 'team') {
    if (gate.handoffId) void notifyTeamOfHandoff(tenantId, gate.handoffId);
    return { response: toTeam(toVisitorMessage(gate.message)) };
  }
  if (gate.to !== 'assistant') return { response: await spendRefusalResponse(tenantId, gate.to) };
  try {
    // Outside any scope: the engine opens its own (nested scopes would deadlock PGlite).
    return { reply: await streamReply({ tenantId, sessionId, content, audience: 'visitor', questionMetadata }) };
  } catch (error) {
    if (error instanceof ReplyRequestError) return { response: invalidSession() };
    // A handoff opened between the gate and the engine: the message goes to the team after all.
    if (error instanceof AssistantSilencedError) {
      return { response: toTeam(toVisitorMessage(await withTenantId(tenantId, (tx) => storeMessageForTeam(tx, tenantId, sessionId, content)))) };
    }
    throw error;
  }
}
