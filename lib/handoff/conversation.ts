import 'server-only';
import { notifyConversationUpdate } from '@/db/conversation-updates';
import {
  getHandoffById,
  getLatestHandoff,
  getMemberDisplayName,
  getOpenHandoff,
  getSupportSettings,
  insertConversationEvent,
  insertConversationMessage,
  insertHandoff,
  listLatestAnswers,
  markLeadRequested,
  saveLead,
  transitionHandoff,
} from '@/db/queries/handoffs';
import type { Handoff, HandoffReason, MemberRole } from '@/db/schema';
import type { Transaction } from '@/db/withTenant';
import { can } from '@/lib/auth/permissions';
import type { HandoffView } from '@/lib/widget/client/types';
import { isGroundedAnswer } from './grounding';
import { isWithinOfficeHours } from './office-hours';

// The handoff state machine. A conversation is answered by the assistant until a handoff
// opens (the visitor asked, wrote that they want a person, or accepted the offer made after
// two ungrounded answers or a thumbs-down). Then:
//
//   waiting ──claim──▶ assigned ──release──▶ waiting
//   waiting | assigned ──resolve (member)──▶ resolved      (the assistant answers again)
//   waiting | assigned ──cancel (visitor)──▶ cancelled     (the visitor went back to the assistant)
//
// Every transition is one conditional UPDATE (exactly one of two racing members wins) plus an
// event row (who, when, why), and a notification so the Inbox and the visitor's frame update.
// While a handoff is open the assistant is silent (lib/ai/engine.ts checks it in the same
// transaction that stores the visitor's message). Offers only count answers given after the
// last handoff closed, so a resolved conversation does not fall straight back into handoff.

export const HANDOFF_RULES = {
  /** Ungrounded answers in a row after which the assistant offers a person. */
  ungroundedAnswersBeforeOffer: 2,
} as const;

export class HandoffError extends Error {
  constructor(
    message: string,
    readonly code: 'not_found' | 'conflict' | 'forbidden',
  ) {
    super(message);
    this.name = 'HandoffError';
  }
}

export type Member = { tenantId: string; userId: string; role: MemberRole; name: string };

// ---------- visitor side ----------

/** Opens a handoff for the conversation, or returns the one already open (idempotent). */
export async function requestHandoff(
  tx: Transaction,
  { tenantId, sessionId, reason, now = new Date() }: { tenantId: string; sessionId: string; reason: HandoffReason; now?: Date },
): Promise<{ handoff: Handoff; opened: boolean; withinOfficeHours: boolean }> {
  const settings = await getSupportSettings(tx, tenantId);
  if (!settings.handoffEnabled) throw new HandoffError('This team does not take conversations over from the assistant.', 'forbidden');
  const withinOfficeHours = isWithinOfficeHours(settings, now);
  const handoff = await insertHandoff(tx, { tenantId, sessionId, reason, leadRequested: !withinOfficeHours });
  if (!handoff) return { handoff: (await getOpenHandoff(tx, tenantId, sessionId))!, opened: false, withinOfficeHours };
  await insertConversationEvent(tx, { tenantId, sessionId, handoffId: handoff.id, type: 'handoff_requested', actor: 'visitor', reason });
  if (!withinOfficeHours) {
    await insertConversationEvent(tx, { tenantId, sessionId, handoffId: handoff.id, type: 'lead_requested', actor: 'system', reason: 'outside_office_hours' });
  }
  await notifyConversationUpdate(tx, tenantId, sessionId);
  return { handoff, opened: true, withinOfficeHours };
}

/** The visitor goes back to the assistant before anyone resolved it. */
export async function cancelHandoff(tx: Transaction, tenantId: string, sessionId: string): Promise<boolean> {
  const open = await getOpenHandoff(tx, tenantId, sessionId);
  if (!open) return false;
  const cancelled = await transitionHandoff(tx, tenantId, open.id, { from: ['waiting', 'assigned'], to: 'cancelled' });
  if (!cancelled) return false;
  await insertConversationEvent(tx, { tenantId, sessionId, handoffId: open.id, type: 'cancelled', actor: 'visitor', reason: 'back to the assistant' });
  await notifyConversationUpdate(tx, tenantId, sessionId);
  return true;
}

/** Stores what the visitor writes while a person owns the conversation (the assistant stays silent). */
export async function storeMessageForTeam(tx: Transaction, tenantId: string, sessionId: string, content: string) {
  const message = await insertConversationMessage(tx, { tenantId, sessionId, role: 'user', content });
  await notifyConversationUpdate(tx, tenantId, sessionId);
  return message;
}

/** The visitor's email and note, kept with the open handoff. */
export async function captureLead(tx: Transaction, tenantId: string, sessionId: string, lead: { email: string; note: string | null }): Promise<Handoff> {
  const open = await getOpenHandoff(tx, tenantId, sessionId);
  if (!open) throw new HandoffError('Ask for a person first.', 'not_found');
  const handoff = (await saveLead(tx, tenantId, open.id, lead))!;
  await insertConversationEvent(tx, { tenantId, sessionId, handoffId: open.id, type: 'lead_captured', actor: 'visitor', reason: lead.email });
  await notifyConversationUpdate(tx, tenantId, sessionId);
  return handoff;
}

/** Asks for the visitor's email once nobody has picked up within the workspace's time. True when this call asked. */
async function requestLeadIfUnanswered(tx: Transaction, handoff: Handoff, pickupTimeoutMinutes: number, now: Date): Promise<boolean> {
  if (handoff.status !== 'waiting' || handoff.leadRequestedAt) return false;
  if (now.getTime() - handoff.requestedAt.getTime() < pickupTimeoutMinutes * 60_000) return false;
  if (!(await markLeadRequested(tx, handoff.tenantId, handoff.id))) return false;
  await insertConversationEvent(tx, { tenantId: handoff.tenantId, sessionId: handoff.sessionId, handoffId: handoff.id, type: 'lead_requested', actor: 'system', reason: 'no_pickup' });
  await notifyConversationUpdate(tx, handoff.tenantId, handoff.sessionId);
  return true;
}

/** What the visitor's frame shows about people: who answers, an offer of a person, the lead form. */
export async function visitorHandoffView(
  tx: Transaction,
  { tenantId, sessionId, now = new Date() }: { tenantId: string; sessionId: string; now?: Date },
): Promise<HandoffView> {
  const settings = await getSupportSettings(tx, tenantId);
  const base = { handoffAvailable: settings.handoffEnabled, withinOfficeHours: isWithinOfficeHours(settings, now) };
  let open = await getOpenHandoff(tx, tenantId, sessionId);
  if (open && (await requestLeadIfUnanswered(tx, open, settings.pickupTimeoutMinutes, now))) open = await getOpenHandoff(tx, tenantId, sessionId);
  if (open) {
    return {
      ...base,
      status: open.status === 'assigned' ? 'assigned' : 'waiting',
      agentName: open.status === 'assigned' && open.assignedTo ? await getMemberDisplayName(tx, open.assignedTo) : undefined,
      lead: open.leadRequestedAt || open.leadCapturedAt ? { captured: !!open.leadCapturedAt } : undefined,
    };
  }
  return { ...base, status: 'assistant', offer: settings.handoffEnabled ? await currentOffer(tx, tenantId, sessionId) : undefined };
}

async function currentOffer(tx: Transaction, tenantId: string, sessionId: string): Promise<HandoffView['offer']> {
  const latest = await getLatestHandoff(tx, tenantId, sessionId);
  const answers = (await listLatestAnswers(tx, tenantId, sessionId, HANDOFF_RULES.ungroundedAnswersBeforeOffer)).filter(
    (answer) => !latest?.closedAt || answer.createdAt > latest.closedAt,
  );
  const last = answers[0];
  if (!last) return undefined;
  if (last.feedback === -1) return { reason: 'negative_feedback', messageId: last.id };
  if (answers.length === HANDOFF_RULES.ungroundedAnswersBeforeOffer && answers.every((answer) => !isGroundedAnswer(answer))) {
    return { reason: 'no_answer', messageId: last.id };
  }
  return undefined;
}

/** The reason to record when the visitor asks for a person: the standing offer's, else their own request. */
export async function handoffReasonFor(tx: Transaction, tenantId: string, sessionId: string, acceptsOffer: boolean): Promise<HandoffReason> {
  if (!acceptsOffer) return 'visitor_request';
  return (await currentOffer(tx, tenantId, sessionId))?.reason ?? 'visitor_request';
}

// ---------- member side ----------

async function requireHandoff(tx: Transaction, tenantId: string, handoffId: string): Promise<Handoff> {
  const handoff = await getHandoffById(tx, tenantId, handoffId);
  // Another workspace's handoff looks exactly like one that does not exist.
  if (!handoff) throw new HandoffError('That conversation is not in the Inbox.', 'not_found');
  return handoff;
}

/** Assigns a waiting handoff to the member; of two members claiming at once exactly one wins. */
export async function claimHandoff(tx: Transaction, member: Member, handoffId: string): Promise<Handoff> {
  const claimed = await transitionHandoff(tx, member.tenantId, handoffId, { from: ['waiting'], to: 'assigned', assignedTo: member.userId });
  if (!claimed) {
    const current = await requireHandoff(tx, member.tenantId, handoffId);
    if (current.status === 'assigned') {
      throw new HandoffError(current.assignedTo === member.userId ? 'This conversation is already yours.' : 'Someone else took this conversation first.', 'conflict');
    }
    throw new HandoffError('This conversation is no longer waiting for a person.', 'conflict');
  }
  await insertConversationEvent(tx, { tenantId: member.tenantId, sessionId: claimed.sessionId, handoffId, type: 'assigned', actor: 'member', actorUserId: member.userId, actorName: member.name });
  await notifyConversationUpdate(tx, member.tenantId, claimed.sessionId);
  return claimed;
}

/** Hands an assigned conversation back to the waiting queue (the assignee, or an owner or admin). */
export async function releaseHandoff(tx: Transaction, member: Member, handoffId: string): Promise<Handoff> {
  const supervisor = can(member.role, 'inbox:supervise');
  const released = await transitionHandoff(tx, member.tenantId, handoffId, {
    from: ['assigned'],
    to: 'waiting',
    assignedTo: null,
    assignee: supervisor ? undefined : member.userId,
  });
  if (!released) {
    const current = await requireHandoff(tx, member.tenantId, handoffId);
    throw new HandoffError(current.status === 'assigned' ? 'Only the person answering, an owner or an admin can hand this back.' : 'Nobody is answering this conversation.', 'conflict');
  }
  await insertConversationEvent(tx, { tenantId: member.tenantId, sessionId: released.sessionId, handoffId, type: 'released', actor: 'member', actorUserId: member.userId, actorName: member.name });
  await notifyConversationUpdate(tx, member.tenantId, released.sessionId);
  return released;
}

/** Closes the handoff; the assistant answers the visitor again. Owners and admins may resolve any, members their own. */
export async function resolveHandoff(tx: Transaction, member: Member, handoffId: string, note: string | null): Promise<Handoff> {
  const supervisor = can(member.role, 'inbox:supervise');
  const resolved = await transitionHandoff(tx, member.tenantId, handoffId, {
    from: supervisor ? ['waiting', 'assigned'] : ['assigned'],
    to: 'resolved',
    assignee: supervisor ? undefined : member.userId,
  });
  if (!resolved) {
    const current = await requireHandoff(tx, member.tenantId, handoffId);
    if (current.status === 'resolved' || current.status === 'cancelled') throw new HandoffError('This conversation is already closed.', 'conflict');
    throw new HandoffError('Take this conversation first: members resolve the conversations they answer.', 'conflict');
  }
  await insertConversationEvent(tx, { tenantId: member.tenantId, sessionId: resolved.sessionId, handoffId, type: 'resolved', actor: 'member', actorUserId: member.userId, actorName: member.name, reason: note });
  await notifyConversationUpdate(tx, member.tenantId, resolved.sessionId);
  return resolved;
}

/** A member's reply to the visitor: only the member the conversation is assigned to writes. */
export async function replyAsMember(tx: Transaction, member: Member, handoffId: string, content: string) {
  const handoff = await requireHandoff(tx, member.tenantId, handoffId);
  if (handoff.status !== 'assigned' || handoff.assignedTo !== member.userId) {
    throw new HandoffError('Assign the conversation to yourself before replying.', 'conflict');
  }
  const message = await insertConversationMessage(tx, {
    tenantId: member.tenantId,
    sessionId: handoff.sessionId,
    role: 'agent',
    content,
    agentId: member.userId,
    agentName: member.name,
  });
  await notifyConversationUpdate(tx, member.tenantId, handoff.sessionId);
  return message;
}
