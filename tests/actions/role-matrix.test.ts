import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as conversations from '@/app/dashboard/conversations/mutations';
import * as costs from '@/app/dashboard/costs/mutations';
import * as inbox from '@/app/dashboard/inbox/mutations';
import * as evaluation from '@/app/dashboard/evaluation/mutations';
import * as knowledge from '@/app/dashboard/knowledge/mutations';
import * as meetings from '@/app/dashboard/meetings/mutations';
import * as personalities from '@/app/dashboard/personalities/mutations';
import * as settings from '@/app/dashboard/settings/mutations';
import * as sources from '@/app/dashboard/knowledge/sources/mutations';
import * as team from '@/app/dashboard/team/mutations';
import * as unanswered from '@/app/dashboard/unanswered/mutations';
import * as widgets from '@/app/dashboard/widgets/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { closeQueue } from '@/db/queue';
import type { TenantAction } from '@/lib/actions/define-action';
import { startLiveKitServer } from '../helpers/livekit-server';
import { createInboxTeam as createTeam, type InboxTeam as Team, snapshotTeam } from '../helpers/team';

// Meeting actions talk to LiveKit's room API: a local server speaking it stands in.
const livekit = await startLiveKitServer();
process.env.LIVEKIT_URL = livekit.url;
process.env.LIVEKIT_API_KEY = livekit.apiKey;
process.env.LIVEKIT_API_SECRET = livekit.apiSecret;

type Actor = 'owner' | 'admin' | 'member';
type Case = { name: string; action: TenantAction; input: (team: Team, actor: Actor) => Record<string, string | File>; allowed: Actor[] };

// Question generation needs a configured model (nothing is called: no worker runs here).
process.env.OPENAI_API_KEY = 'role-matrix-key';

const PERSONALITY = {
  name: 'Support v2',
  description: '',
  systemPrompt: 'You answer questions about our product, briefly.',
  temperature: '0.4',
  topP: '1',
  frequencyPenalty: '0',
  presencePenalty: '0',
  maxTokens: '800',
  preferredModel: '',
  isActive: 'on',
};

// The expected matrix, written out by hand (not derived from lib/auth/permissions.ts) so the
// test checks the rules rather than restating them.
const CASES: Case[] = [
  { name: 'update workspace settings', action: settings.updateWorkspace, input: () => ({ name: 'Renamed', allowedDomains: 'example.com', monthlySpendCapUsd: '100' }), allowed: ['owner', 'admin'] },
  { name: 'rotate the publishable key', action: settings.rotatePublishableKey, input: () => ({}), allowed: ['owner'] },
  { name: 'create a secret key', action: settings.createSecretKey, input: () => ({ name: 'CI' }), allowed: ['owner'] },
  { name: 'revoke a secret key', action: settings.revokeSecretKey, input: (t) => ({ keyId: t.apiKeyId }), allowed: ['owner'] },
  { name: 'delete the workspace', action: settings.deleteWorkspace, input: (t) => ({ confirmName: t.name }), allowed: ['owner'] },
  { name: 'invite a member', action: team.inviteMember, input: () => ({ email: 'new@example.com', role: 'member' }), allowed: ['owner', 'admin'] },
  { name: 'invite an owner', action: team.inviteMember, input: () => ({ email: 'boss@example.com', role: 'owner' }), allowed: ['owner'] },
  { name: 'revoke an invitation', action: team.cancelInvitation, input: (t) => ({ invitationId: t.invitationId }), allowed: ['owner', 'admin'] },
  { name: "change a member's role", action: team.changeMemberRole, input: (t) => ({ userId: t.users.target, role: 'admin' }), allowed: ['owner', 'admin'] },
  { name: 'promote a member to owner', action: team.changeMemberRole, input: (t) => ({ userId: t.users.target, role: 'owner' }), allowed: ['owner'] },
  { name: 'demote an owner', action: team.changeMemberRole, input: (t) => ({ userId: t.users.secondOwner, role: 'member' }), allowed: ['owner'] },
  { name: 'remove a member', action: team.removeTeamMember, input: (t) => ({ userId: t.users.target }), allowed: ['owner', 'admin'] },
  { name: 'remove an owner', action: team.removeTeamMember, input: (t) => ({ userId: t.users.secondOwner }), allowed: ['owner'] },
  { name: 'transfer ownership', action: team.transferOwnership, input: (t) => ({ userId: t.users.target }), allowed: ['owner'] },
  { name: 'edit document details', action: knowledge.updateDocumentMetadata, input: (t) => ({ documentId: t.documentId, title: 'Returns 2', category: 'support', tags: 'policy' }), allowed: ['owner', 'admin'] },
  { name: 're-index a document', action: knowledge.reindexDocument, input: (t) => ({ documentId: t.documentId }), allowed: ['owner', 'admin'] },
  { name: 'delete a document', action: knowledge.deleteKnowledgeDocument, input: (t) => ({ documentId: t.documentId }), allowed: ['owner', 'admin'] },
  { name: 'create a personality', action: personalities.addPersonality, input: () => ({ ...PERSONALITY, name: 'Concierge' }), allowed: ['owner', 'admin'] },
  { name: 'edit a personality', action: personalities.editPersonality, input: (t) => ({ ...PERSONALITY, personalityId: t.personalityId }), allowed: ['owner', 'admin'] },
  { name: 'duplicate a personality', action: personalities.duplicatePersonality, input: (t) => ({ personalityId: t.personalityId }), allowed: ['owner', 'admin'] },
  { name: 'make a personality the default', action: personalities.makeDefaultPersonality, input: (t) => ({ personalityId: t.sparePersonalityId }), allowed: ['owner', 'admin'] },
  { name: 'delete a personality', action: personalities.removePersonality, input: (t) => ({ personalityId: t.sparePersonalityId }), allowed: ['owner', 'admin'] },
  { name: 'import a web page', action: sources.addSource, input: () => ({ kind: 'page', url: 'https://example.com/help' }), allowed: ['owner', 'admin'] },
  { name: 'add a website source', action: sources.addSource, input: () => ({ kind: 'website', url: 'https://example.com/', schedule: 'daily', sameSite: 'on', maxPages: '100', maxDepth: '2' }), allowed: ['owner', 'admin'] },
  { name: 'change a source’s settings', action: sources.updateSourceSettings, input: (t) => ({ sourceId: t.sourceId, schedule: 'weekly', maxPages: '20', maxDepth: '1', sameSite: 'on' }), allowed: ['owner', 'admin'] },
  { name: 'sync a source now', action: sources.syncSourceNow, input: (t) => ({ sourceId: t.sourceId }), allowed: ['owner', 'admin'] },
  { name: 'retry a failed sync', action: sources.retrySync, input: (t) => ({ syncId: t.failedSyncId }), allowed: ['owner', 'admin'] },
  { name: 'retry everything that failed', action: sources.retryAllFailed, input: () => ({}), allowed: ['owner', 'admin'] },
  { name: 'approve a change', action: sources.reviewSourceChange, input: (t) => ({ changeId: t.pendingChangeId, decision: 'approve' }), allowed: ['owner', 'admin'] },
  { name: 'reject a change', action: sources.reviewSourceChange, input: (t) => ({ changeId: t.pendingChangeId, decision: 'reject' }), allowed: ['owner', 'admin'] },
  { name: 'delete a source', action: sources.removeSource, input: (t) => ({ sourceId: t.sourceId }), allowed: ['owner', 'admin'] },
  { name: 'create a widget', action: widgets.createWidget, input: () => ({ name: 'Docs chat' }), allowed: ['owner', 'admin'] },
  {
    name: 'edit a widget',
    action: widgets.updateWidget,
    input: (t) => ({ widgetId: t.widgetId, name: 'Renamed', allowedOrigins: 'https://*.example.com', theme: 'dark', position: 'bottom-left', greeting: 'Hi', primaryColor: '#000000', secondaryColor: '#ffffff', personalityId: t.sparePersonalityId, starterQuestions: 'One?\nTwo?' }),
    allowed: ['owner', 'admin'],
  },
  { name: 'turn a widget off', action: widgets.setWidgetActive, input: (t) => ({ widgetId: t.widgetId, active: 'false' }), allowed: ['owner', 'admin'] },
  { name: 'delete a widget', action: widgets.deleteWidget, input: (t) => ({ widgetId: t.widgetId }), allowed: ['owner', 'admin'] },
  { name: 'delete a conversation', action: conversations.deleteConversation, input: (t) => ({ sessionId: t.sessionId }), allowed: ['owner', 'admin'] },
  { name: 'add a budget threshold', action: costs.addBudgetThreshold, input: () => ({ amountUsd: '40', period: 'weekly', severity: 'critical' }), allowed: ['owner', 'admin'] },
  { name: 'remove a budget threshold', action: costs.removeBudgetThreshold, input: (t) => ({ thresholdId: t.budgetThresholdId }), allowed: ['owner', 'admin'] },
  { name: 'resolve a budget alert', action: costs.resolveAlert, input: (t) => ({ alertId: t.budgetAlertId }), allowed: ['owner', 'admin'] },
  { name: 'create a visitor signing key', action: settings.createVisitorKey, input: () => ({ name: 'Production site' }), allowed: ['owner'] },
  { name: 'revoke a visitor signing key', action: settings.revokeVisitorKey, input: (t) => ({ keyId: t.visitorKeyId }), allowed: ['owner'] },
  {
    name: 'save handoff settings',
    action: inbox.updateSupportSettings,
    input: () => ({ handoffEnabled: 'on', officeHoursEnabled: 'on', timeZone: 'Europe/Berlin', pickupTimeoutMinutes: '3', open0: 'on', from0: '08:00', to0: '16:00' }),
    allowed: ['owner', 'admin'],
  },
  // Working the Inbox is every member's job; what differs is whose conversation it is (tests/handoff).
  { name: 'take a waiting conversation', action: inbox.takeConversation, input: (t) => ({ handoffId: t.waitingHandoffId }), allowed: ['owner', 'admin', 'member'] },
  { name: 'reply to a visitor', action: inbox.replyToVisitor, input: (t, actor) => ({ handoffId: t.assignedHandoffs[actor], content: 'Hello, I can help.' }), allowed: ['owner', 'admin', 'member'] },
  { name: 'hand a conversation back', action: inbox.handBackConversation, input: (t, actor) => ({ handoffId: t.assignedHandoffs[actor] }), allowed: ['owner', 'admin', 'member'] },
  { name: 'resolve a conversation', action: inbox.resolveConversation, input: (t, actor) => ({ handoffId: t.assignedHandoffs[actor] }), allowed: ['owner', 'admin', 'member'] },
  { name: 'go on duty', action: inbox.setOnDuty, input: () => ({ onDuty: 'true' }), allowed: ['owner', 'admin', 'member'] },
  { name: 'create a meeting', action: meetings.createMeeting, input: () => ({ title: 'Quarterly review', maxParticipants: '10' }), allowed: ['owner', 'admin'] },
  { name: 'end a meeting', action: meetings.endMeeting, input: (t) => ({ meetingId: t.meetingId }), allowed: ['owner', 'admin'] },
  { name: 'delete a meeting', action: meetings.deleteMeeting, input: (t) => ({ meetingId: t.meetingId }), allowed: ['owner', 'admin'] },
  { name: 'create a guest link', action: meetings.createGuestLink, input: (t) => ({ meetingId: t.meetingId, hours: '1' }), allowed: ['owner', 'admin'] },
  { name: 'turn off a guest link', action: meetings.revokeGuestLink, input: (t) => ({ meetingId: t.meetingId }), allowed: ['owner', 'admin'] },
  { name: 'invite the assistant', action: meetings.inviteAssistant, input: (t) => ({ meetingId: t.meetingId }), allowed: ['owner', 'admin'] },
  { name: 'mute the assistant', action: meetings.setAssistantMuted, input: (t) => ({ meetingId: t.assistantMeetingId, muted: 'true' }), allowed: ['owner', 'admin'] },
  { name: 'remove the assistant', action: meetings.removeAssistant, input: (t) => ({ meetingId: t.assistantMeetingId }), allowed: ['owner', 'admin'] },
  { name: 'make a personality version live', action: personalities.makeVersionLive, input: (t) => ({ versionId: t.draftVersionId }), allowed: ['owner', 'admin'] },
  { name: 'create a test set', action: evaluation.createTestSet, input: () => ({ name: 'Billing questions' }), allowed: ['owner', 'admin'] },
  { name: 'edit a test set', action: evaluation.updateTestSet, input: (t) => ({ setId: t.evaluationSetId, name: 'Renamed set' }), allowed: ['owner', 'admin'] },
  { name: 'delete a test set', action: evaluation.deleteTestSet, input: (t) => ({ setId: t.evaluationSetId }), allowed: ['owner', 'admin'] },
  { name: 'add a test question', action: evaluation.addQuestion, input: (t) => ({ setId: t.evaluationSetId, question: 'Do you ship to Canada?', unanswerable: 'on' }), allowed: ['owner', 'admin'] },
  { name: 'edit a test question', action: evaluation.editQuestion, input: (t) => ({ questionId: t.evaluationQuestionId, question: 'Do you ship to Mexico?', unanswerable: 'on' }), allowed: ['owner', 'admin'] },
  { name: 'delete a test question', action: evaluation.removeQuestion, input: (t) => ({ questionId: t.evaluationQuestionId }), allowed: ['owner', 'admin'] },
  { name: 'accept a candidate question', action: evaluation.acceptCandidate, input: (t) => ({ questionId: t.candidateQuestionId }), allowed: ['owner', 'admin'] },
  { name: 'discard all candidate questions', action: evaluation.settleAllCandidates, input: (t) => ({ setId: t.evaluationSetId, decision: 'reject' }), allowed: ['owner', 'admin'] },
  {
    name: 'import test questions',
    action: evaluation.importQuestions,
    input: (t) => ({ setId: t.evaluationSetId, file: new File(['question,unanswerable\nWhat is the capital of France?,yes\n'], 'questions.csv', { type: 'text/csv' }) }),
    allowed: ['owner', 'admin'],
  },
  { name: 'generate candidate questions', action: evaluation.generateQuestions, input: (t) => ({ setId: t.evaluationSetId, count: '3', modelId: 'gpt-4o-mini' }), allowed: ['owner', 'admin'] },
  { name: 'start an evaluation run', action: evaluation.startRun, input: (t) => ({ setId: t.evaluationSetId, versionId: t.draftVersionId, judgeModel: '' }), allowed: ['owner', 'admin'] },
  { name: 'cancel an evaluation run', action: evaluation.cancelRun, input: (t) => ({ runId: t.evaluationRunId }), allowed: ['owner', 'admin'] },
  { name: 'delete an evaluation run', action: evaluation.removeRun, input: (t) => ({ runId: t.evaluationRunId }), allowed: ['owner', 'admin'] },
  {
    name: 'answer an unanswered question',
    action: unanswered.answerQuestions,
    input: (t) => ({ questionIds: t.questionMessageId, question: 'Do you ship abroad?', answer: 'Yes, to the EU and the UK.' }),
    allowed: ['owner', 'admin'],
  },
];

describe('role matrix', () => {
  let db: Database;
  beforeAll(async () => {
    ({ db } = await getDatabase());
  });
  afterAll(async () => {
    await closeQueue();
    await closeDatabase();
    await livekit.close();
  });

  it('covers every mutating action of the dashboard', () => {
    const all = [settings, team, knowledge, sources, personalities, widgets, conversations, costs, inbox, meetings, evaluation, unanswered].flatMap((module) => Object.values(module)).filter(
      (value): value is TenantAction => typeof value === 'object' && value !== null && 'run' in value,
    );
    for (const action of all) expect(CASES.some((c) => c.action === action), action.permission).toBe(true);
  });

  describe.each(CASES)('$name', ({ action, input, allowed }) => {
    it.each(['owner', 'admin', 'member'] as const)('as %s', async (actor) => {
      const t = await createTeam(db);
      const before = await snapshotTeam(db, t.tenantId);
      const state = await action.run({ userId: t.users[actor], tenantId: t.tenantId }, input(t, actor));
      if (allowed.includes(actor)) {
        expect(state, JSON.stringify(state)).toMatchObject({ status: 'success' });
        expect(await snapshotTeam(db, t.tenantId)).not.toEqual(before);
      } else {
        expect(state).toMatchObject({ status: 'error', code: 'forbidden' });
        expect(await snapshotTeam(db, t.tenantId)).toEqual(before);
      }
    });
  });

  it('refuses every action to someone who is not a member', async () => {
    const t = await createTeam(db);
    const outsider = await createTeam(db, 'Other');
    for (const { action, input } of CASES) {
      const state = await action.run({ userId: outsider.users.owner, tenantId: t.tenantId }, input(t, 'owner'));
      expect(state).toMatchObject({ status: 'error', code: 'unauthenticated' });
    }
  });
});
