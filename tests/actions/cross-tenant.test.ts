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
import { startLiveKitServer } from '../helpers/livekit-server';
import { createInboxTeam as createTeam, type InboxTeam as Team, snapshotTeam } from '../helpers/team';

const livekit = await startLiveKitServer();
process.env.LIVEKIT_URL = livekit.url;
process.env.LIVEKIT_API_KEY = livekit.apiKey;
process.env.LIVEKIT_API_SECRET = livekit.apiSecret;

// Signed in as the owner of tenant B, every action given an id from tenant A answers
// "not found" and changes nothing in either tenant.
// Question generation needs a configured model (nothing is called: no worker runs here).
process.env.OPENAI_API_KEY = 'cross-tenant-key';

describe('cross-tenant ids at the action level', () => {
  let db: Database;
  let a: Team;
  let b: Team;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    a = await createTeam(db, 'A');
    b = await createTeam(db, 'B');
  });
  afterAll(async () => {
    await closeDatabase();
    await livekit.close();
  });

  const cases = [
    { name: 'revoke secret key', run: () => settings.revokeSecretKey.run(asOwnerOfB(), { keyId: a.apiKeyId }) },
    { name: 'revoke invitation', run: () => team.cancelInvitation.run(asOwnerOfB(), { invitationId: a.invitationId }) },
    { name: 'change role', run: () => team.changeMemberRole.run(asOwnerOfB(), { userId: a.users.target, role: 'admin' }) },
    { name: 'remove member', run: () => team.removeTeamMember.run(asOwnerOfB(), { userId: a.users.admin }) },
    { name: 'transfer ownership', run: () => team.transferOwnership.run(asOwnerOfB(), { userId: a.users.member }) },
    { name: 'edit document', run: () => knowledge.updateDocumentMetadata.run(asOwnerOfB(), { documentId: a.documentId, title: 'Mine now' }) },
    { name: 're-index document', run: () => knowledge.reindexDocument.run(asOwnerOfB(), { documentId: a.documentId }) },
    { name: 'duplicate personality', run: () => personalities.duplicatePersonality.run(asOwnerOfB(), { personalityId: a.personalityId }) },
    { name: 'make personality default', run: () => personalities.makeDefaultPersonality.run(asOwnerOfB(), { personalityId: a.sparePersonalityId }) },
    { name: 'delete personality', run: () => personalities.removePersonality.run(asOwnerOfB(), { personalityId: a.sparePersonalityId }) },
    {
      name: 'edit personality',
      run: () =>
        personalities.editPersonality.run(asOwnerOfB(), {
          personalityId: a.personalityId, name: 'Mine', description: '', systemPrompt: 'Taken over by tenant B.', temperature: '1', topP: '1',
          frequencyPenalty: '0', presencePenalty: '0', maxTokens: '100', preferredModel: '', isActive: 'on',
        }),
    },
    { name: 'delete document', run: () => knowledge.deleteKnowledgeDocument.run(asOwnerOfB(), { documentId: a.documentId }) },
    {
      name: 'edit widget',
      run: () =>
        widgets.updateWidget.run(asOwnerOfB(), { widgetId: a.widgetId, name: 'Mine now', theme: 'auto', position: 'bottom-right' }),
    },
    // B's own widget pointed at A's personality: the foreign key alone would accept it.
    {
      name: "use another tenant's personality",
      run: () =>
        widgets.updateWidget.run(asOwnerOfB(), { widgetId: b.widgetId, name: 'Site chat', theme: 'auto', position: 'bottom-right', personalityId: a.personalityId }),
    },
    { name: 'turn widget off', run: () => widgets.setWidgetActive.run(asOwnerOfB(), { widgetId: a.widgetId, active: 'false' }) },
    { name: 'delete widget', run: () => widgets.deleteWidget.run(asOwnerOfB(), { widgetId: a.widgetId }) },
    { name: 'delete conversation', run: () => conversations.deleteConversation.run(asOwnerOfB(), { sessionId: a.sessionId }) },
    { name: 'remove budget threshold', run: () => costs.removeBudgetThreshold.run(asOwnerOfB(), { thresholdId: a.budgetThresholdId }) },
    { name: 'resolve budget alert', run: () => costs.resolveAlert.run(asOwnerOfB(), { alertId: a.budgetAlertId }) },
    { name: 'change source settings', run: () => sources.updateSourceSettings.run(asOwnerOfB(), { sourceId: a.sourceId, schedule: 'off' }) },
    { name: 'sync source now', run: () => sources.syncSourceNow.run(asOwnerOfB(), { sourceId: a.sourceId }) },
    { name: 'retry sync', run: () => sources.retrySync.run(asOwnerOfB(), { syncId: a.failedSyncId }) },
    { name: 'approve change', run: () => sources.reviewSourceChange.run(asOwnerOfB(), { changeId: a.pendingChangeId, decision: 'approve' }) },
    { name: 'delete source', run: () => sources.removeSource.run(asOwnerOfB(), { sourceId: a.sourceId }) },
    { name: 'revoke visitor signing key', run: () => settings.revokeVisitorKey.run(asOwnerOfB(), { keyId: a.visitorKeyId }) },
    { name: 'take a conversation', run: () => inbox.takeConversation.run(asOwnerOfB(), { handoffId: a.waitingHandoffId }) },
    { name: 'reply to a visitor', run: () => inbox.replyToVisitor.run(asOwnerOfB(), { handoffId: a.assignedHandoffs.owner, content: 'Hijacked' }) },
    { name: 'hand a conversation back', run: () => inbox.handBackConversation.run(asOwnerOfB(), { handoffId: a.assignedHandoffs.owner }) },
    { name: 'resolve a conversation', run: () => inbox.resolveConversation.run(asOwnerOfB(), { handoffId: a.assignedHandoffs.owner }) },
    { name: 'end meeting', run: () => meetings.endMeeting.run(asOwnerOfB(), { meetingId: a.meetingId }) },
    { name: 'delete meeting', run: () => meetings.deleteMeeting.run(asOwnerOfB(), { meetingId: a.meetingId }) },
    { name: 'create guest link', run: () => meetings.createGuestLink.run(asOwnerOfB(), { meetingId: a.meetingId, hours: '24' }) },
    { name: 'turn off guest link', run: () => meetings.revokeGuestLink.run(asOwnerOfB(), { meetingId: a.meetingId }) },
    { name: 'invite assistant', run: () => meetings.inviteAssistant.run(asOwnerOfB(), { meetingId: a.meetingId }) },
    { name: 'mute assistant', run: () => meetings.setAssistantMuted.run(asOwnerOfB(), { meetingId: a.assistantMeetingId, muted: 'true' }) },
    { name: 'remove assistant', run: () => meetings.removeAssistant.run(asOwnerOfB(), { meetingId: a.assistantMeetingId }) },
    { name: 'make personality version live', run: () => personalities.makeVersionLive.run(asOwnerOfB(), { versionId: a.draftVersionId }) },
    { name: 'edit test set', run: () => evaluation.updateTestSet.run(asOwnerOfB(), { setId: a.evaluationSetId, name: 'Mine now' }) },
    { name: 'delete test set', run: () => evaluation.deleteTestSet.run(asOwnerOfB(), { setId: a.evaluationSetId }) },
    { name: 'add question to test set', run: () => evaluation.addQuestion.run(asOwnerOfB(), { setId: a.evaluationSetId, question: 'Planted?', unanswerable: 'on' }) },
    { name: 'edit test question', run: () => evaluation.editQuestion.run(asOwnerOfB(), { questionId: a.evaluationQuestionId, question: 'Rewritten?', unanswerable: 'on' }) },
    // B's own question pointed at A's document: the document id is not found for B.
    { name: "expect another tenant's document", run: () => evaluation.editQuestion.run(asOwnerOfB(), { questionId: b.evaluationQuestionId, question: 'How long do returns take?', documentIds: a.documentId }) },
    { name: 'delete test question', run: () => evaluation.removeQuestion.run(asOwnerOfB(), { questionId: a.evaluationQuestionId }) },
    { name: 'accept candidate question', run: () => evaluation.acceptCandidate.run(asOwnerOfB(), { questionId: a.candidateQuestionId }) },
    { name: 'settle candidate questions', run: () => evaluation.settleAllCandidates.run(asOwnerOfB(), { setId: a.evaluationSetId, decision: 'accept' }) },
    {
      name: 'import into test set',
      run: () => evaluation.importQuestions.run(asOwnerOfB(), { setId: a.evaluationSetId, file: new File(['question,unanswerable\nPlanted?,yes\n'], 'q.csv') }),
    },
    { name: 'generate questions for test set', run: () => evaluation.generateQuestions.run(asOwnerOfB(), { setId: a.evaluationSetId, count: '2', modelId: 'gpt-4o-mini' }) },
    { name: 'run test set', run: () => evaluation.startRun.run(asOwnerOfB(), { setId: a.evaluationSetId, versionId: b.liveVersionId, judgeModel: '' }) },
    { name: "run another tenant's version", run: () => evaluation.startRun.run(asOwnerOfB(), { setId: b.evaluationSetId, versionId: a.draftVersionId, judgeModel: '' }) },
    { name: 'cancel run', run: () => evaluation.cancelRun.run(asOwnerOfB(), { runId: a.evaluationRunId }) },
    { name: 'delete run', run: () => evaluation.removeRun.run(asOwnerOfB(), { runId: a.evaluationRunId }) },
    {
      name: 'answer unanswered question',
      run: () => unanswered.answerQuestions.run(asOwnerOfB(), { questionIds: a.questionMessageId, question: 'Do you ship abroad?', answer: 'Planted answer.' }),
    },
    {
      name: "answer another tenant's question along with one's own",
      run: () => unanswered.answerQuestions.run(asOwnerOfB(), { questionIds: `${b.questionMessageId},${a.questionMessageId}`, question: 'Do you ship abroad?', answer: 'Planted answer.' }),
    },
  ];
  const asOwnerOfB = () => ({ userId: b.users.owner, tenantId: b.tenantId });

  it.each(cases)('$name with an id from another tenant is not found', async ({ run }) => {
    const beforeA = await snapshotTeam(db, a.tenantId);
    const beforeB = await snapshotTeam(db, b.tenantId);
    expect(await run()).toMatchObject({ status: 'error', code: 'not_found' });
    expect(await snapshotTeam(db, a.tenantId)).toEqual(beforeA);
    expect(await snapshotTeam(db, b.tenantId)).toEqual(beforeB);
  });

  it("cannot act in another tenant by claiming its id in the session", async () => {
    const state = await settings.updateWorkspace.run({ userId: b.users.owner, tenantId: a.tenantId }, { name: 'Hijacked' });
    expect(state).toMatchObject({ status: 'error', code: 'unauthenticated' });
    expect((await snapshotTeam(db, a.tenantId)).tenant[0]!.name).toBe(a.name);
  });
});
