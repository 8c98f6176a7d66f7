import { randomUUID } from 'node:crypto';
import type { Database } from '@/db/client';
import {
  aiPersonalities,
  apiKeys,
  budgetAlerts,
  budgetThresholds,
  handoffs,
  evaluationQuestions,
  evaluationResults,
  evaluationRuns,
  evaluationSets,
  invitations,
  knowledgeDocuments,
  meetings,
  memberships,
  type MemberRole,
  messages,
  personalityVersions,
  sessions,
  sourceChanges,
  sourcePages,
  sourceSyncs,
  sources,
  supportSettings,
  tenants,
  users,
  visitorSigningKeys,
  widgets,
} from '@/db/schema';

export type Team = {
  tenantId: string;
  name: string;
  users: Record<'owner' | 'secondOwner' | 'admin' | 'member' | 'target', string>;
  invitationId: string;
  apiKeyId: string;
  documentId: string;
  /** The default personality, and a second active one. */
  personalityId: string;
  sparePersonalityId: string;
  widgetId: string;
  sessionId: string;
  /** The visitor's question in that conversation. */
  questionMessageId: string;
  budgetThresholdId: string;
  budgetAlertId: string;
  /** A website source whose latest sync failed, with a page whose change waits for review. */
  sourceId: string;
  failedSyncId: string;
  pendingChangeId: string;
  visitorKeyId: string;
  /** A running meeting with a guest link, and one with the assistant in it. */
  meetingId: string;
  assistantMeetingId: string;
  /** The default personality's live version 1 and an untested draft version 2. */
  liveVersionId: string;
  draftVersionId: string;
  /** A test set with one question, one generated candidate and one queued run. */
  evaluationSetId: string;
  evaluationQuestionId: string;
  candidateQuestionId: string;
  evaluationRunId: string;
};

/** A team with Inbox work: a conversation waiting for a person, and one assigned to each of owner, admin and member. */
export type InboxTeam = Team & { waitingHandoffId: string; assignedHandoffs: Record<'owner' | 'admin' | 'member', string> };

/** A workspace with one user per role, a second owner, a plain member to act on, an invitation, a key, a document, a budget threshold and an alert. */
export async function createTeam(db: Database, label = 'Team'): Promise<Team> {
  const suffix = randomUUID().slice(0, 8);
  const name = `${label} ${suffix}`;
  const [tenant] = await db.insert(tenants).values({ name, publishableKey: `pk_test_${suffix}` }).returning();
  const roles: Record<keyof Team['users'], MemberRole> = {
    owner: 'owner',
    secondOwner: 'owner',
    admin: 'admin',
    member: 'member',
    target: 'member',
  };
  const ids = {} as Team['users'];
  for (const [key, role] of Object.entries(roles) as Array<[keyof Team['users'], MemberRole]>) {
    const [user] = await db.insert(users).values({ email: `${key}-${suffix}@example.com`, name: key }).returning();
    await db.insert(memberships).values({ tenantId: tenant!.id, userId: user!.id, role });
    ids[key] = user!.id;
  }
  const [invitation] = await db
    .insert(invitations)
    .values({ tenantId: tenant!.id, email: `invitee-${suffix}@example.com`, tokenHash: `hash-${suffix}`, expiresAt: new Date(Date.now() + 86_400_000) })
    .returning();
  const [key] = await db
    .insert(apiKeys)
    .values({ tenantId: tenant!.id, name: 'Agent', prefix: 'sk_live_abcd', keyHash: `key-${suffix}` })
    .returning();
  const [document] = await db
    .insert(knowledgeDocuments)
    .values({ tenantId: tenant!.id, title: 'Returns', sourceType: 'text', content: '# Returns\n\nReturns are free within 30 days.' })
    .returning();
  const [personality, spare] = await db
    .insert(aiPersonalities)
    .values([
      { tenantId: tenant!.id, name: 'Support', systemPrompt: 'You are the support assistant.', isDefault: true },
      { tenantId: tenant!.id, name: 'Sales', systemPrompt: 'You are the sales assistant.' },
    ])
    .returning();
  const [widget] = await db.insert(widgets).values({ tenantId: tenant!.id, name: 'Site chat', allowedOrigins: ['https://team.example'] }).returning();
  const [session] = await db.insert(sessions).values({ tenantId: tenant!.id, widgetId: widget!.id, messageCount: 1 }).returning();
  const [visitorQuestion] = await db.insert(messages).values({ tenantId: tenant!.id, sessionId: session!.id, role: 'user', content: 'Do you ship abroad?' }).returning();
  const [threshold] = await db.insert(budgetThresholds).values({ tenantId: tenant!.id, amountUsd: '25.00', period: 'daily' }).returning();
  const [alert] = await db
    .insert(budgetAlerts)
    .values({ tenantId: tenant!.id, threshold: '25.00', currentSpend: '26', period: 'daily', periodStart: new Date(), severity: 'warning' })
    .returning();
  const [source] = await db
    .insert(sources)
    .values({ tenantId: tenant!.id, name: 'Help centre', kind: 'website', url: 'https://team.example/help', reviewChanges: true, crawl: { sameSite: true, include: [], exclude: [], maxPages: 50, maxDepth: 2 } })
    .returning();
  const [failedSync] = await db
    .insert(sourceSyncs)
    .values({ tenantId: tenant!.id, sourceId: source!.id, trigger: 'manual', status: 'failed', statusReason: 'The site answered with HTTP 503.' })
    .returning();
  const [page] = await db.insert(sourcePages).values({ tenantId: tenant!.id, sourceId: source!.id, url: 'https://team.example/help/returns', status: 'review' }).returning();
  const [change] = await db
    .insert(sourceChanges)
    .values({ tenantId: tenant!.id, sourceId: source!.id, pageId: page!.id, kind: 'new', url: page!.url, title: 'Returns', content: '# Returns\n\nReturns are free for 60 days.', contentHash: 'hash' })
    .returning();
  const [visitorKey] = await db
    .insert(visitorSigningKeys)
    .values({ tenantId: tenant!.id, keyId: `vk_${suffix}`, name: 'Site', secretCiphertext: 'not-a-real-secret' })
    .returning();
  const meetingIds = [randomUUID(), randomUUID()] as const;
  await db.insert(meetings).values([
    { id: meetingIds[0], tenantId: tenant!.id, roomName: `m_${tenant!.id}_${meetingIds[0]}`, title: 'Weekly sync', startedAt: new Date(), guestLinkId: `link-${suffix}`, guestLinkExpiresAt: new Date(Date.now() + 86_400_000) },
    { id: meetingIds[1], tenantId: tenant!.id, roomName: `m_${tenant!.id}_${meetingIds[1]}`, title: 'Customer call', startedAt: new Date(), assistantState: 'active' },
  ]);
  const { eq } = await import('drizzle-orm');
  const [live] = await db.select().from(personalityVersions).where(eq(personalityVersions.personalityId, personality!.id));
  const [draft] = await db
    .insert(personalityVersions)
    .values({ ...live!, id: undefined, version: 2, systemPrompt: 'You are the friendlier support assistant.', isLive: false, publishedAt: null, createdAt: undefined })
    .returning();
  const [set] = await db.insert(evaluationSets).values({ tenantId: tenant!.id, name: 'Support questions' }).returning();
  const [question, candidate] = await db
    .insert(evaluationQuestions)
    .values([
      { tenantId: tenant!.id, setId: set!.id, question: 'How long do returns take?', expectedSources: [{ documentId: document!.id, title: 'Returns' }] },
      { tenantId: tenant!.id, setId: set!.id, question: 'Can I return a gift?', expectedAnswer: 'Yes, within 30 days.', status: 'candidate', origin: 'generated' },
    ])
    .returning();
  const [run] = await db
    .insert(evaluationRuns)
    .values({ tenantId: tenant!.id, setId: set!.id, personalityId: personality!.id, personalityVersionId: live!.id, personalityName: 'Support', versionNumber: 1, total: 1 })
    .returning();
  await db.insert(evaluationResults).values({ tenantId: tenant!.id, runId: run!.id, questionId: question!.id, position: 0, question: question!.question, unanswerable: false });
  return {
    tenantId: tenant!.id,
    name,
    visitorKeyId: visitorKey!.id,
    users: ids,
    invitationId: invitation!.id,
    apiKeyId: key!.id,
    documentId: document!.id,
    personalityId: personality!.id,
    sparePersonalityId: spare!.id,
    widgetId: widget!.id,
    sessionId: session!.id,
    questionMessageId: visitorQuestion!.id,
    budgetThresholdId: threshold!.id,
    budgetAlertId: alert!.id,
    meetingId: meetingIds[0],
    assistantMeetingId: meetingIds[1],
    sourceId: source!.id,
    failedSyncId: failedSync!.id,
    pendingChangeId: change!.id,
    liveVersionId: live!.id,
    draftVersionId: draft!.id,
    evaluationSetId: set!.id,
    evaluationQuestionId: question!.id,
    candidateQuestionId: candidate!.id,
    evaluationRunId: run!.id,
  };
}

export async function createInboxTeam(db: Database, label = 'Team'): Promise<InboxTeam> {
  const team = await createTeam(db, label);
  const handoffFor = async (status: 'waiting' | 'assigned', assignedTo?: string) => {
    const [conversation] = await db.insert(sessions).values({ tenantId: team.tenantId, widgetId: team.widgetId }).returning();
    const [handoff] = await db.insert(handoffs).values({ tenantId: team.tenantId, sessionId: conversation!.id, status, reason: 'visitor_request', assignedTo }).returning();
    return handoff!.id;
  };
  return {
    ...team,
    waitingHandoffId: await handoffFor('waiting'),
    assignedHandoffs: {
      owner: await handoffFor('assigned', team.users.owner),
      admin: await handoffFor('assigned', team.users.admin),
      member: await handoffFor('assigned', team.users.member),
    },
  };
}

/** Everything an action could change about a team, for before/after comparisons. */
export async function snapshotTeam(db: Database, tenantId: string) {
  const { eq } = await import('drizzle-orm');
  return {
    tenant: await db.select().from(tenants).where(eq(tenants.id, tenantId)),
    members: await db.select().from(memberships).where(eq(memberships.tenantId, tenantId)).orderBy(memberships.userId),
    invitations: await db.select().from(invitations).where(eq(invitations.tenantId, tenantId)).orderBy(invitations.id),
    keys: await db.select().from(apiKeys).where(eq(apiKeys.tenantId, tenantId)).orderBy(apiKeys.id),
    documents: await db.select().from(knowledgeDocuments).where(eq(knowledgeDocuments.tenantId, tenantId)).orderBy(knowledgeDocuments.id),
    personalities: await db.select().from(aiPersonalities).where(eq(aiPersonalities.tenantId, tenantId)).orderBy(aiPersonalities.id),
    widgets: await db.select().from(widgets).where(eq(widgets.tenantId, tenantId)).orderBy(widgets.id),
    sessions: await db.select().from(sessions).where(eq(sessions.tenantId, tenantId)).orderBy(sessions.id),
    budgetThresholds: await db.select().from(budgetThresholds).where(eq(budgetThresholds.tenantId, tenantId)).orderBy(budgetThresholds.id),
    budgetAlerts: await db.select().from(budgetAlerts).where(eq(budgetAlerts.tenantId, tenantId)).orderBy(budgetAlerts.id),
    sources: await db.select().from(sources).where(eq(sources.tenantId, tenantId)).orderBy(sources.id),
    sourceSyncs: await db.select().from(sourceSyncs).where(eq(sourceSyncs.tenantId, tenantId)).orderBy(sourceSyncs.id),
    sourcePages: await db.select().from(sourcePages).where(eq(sourcePages.tenantId, tenantId)).orderBy(sourcePages.id),
    sourceChanges: await db.select().from(sourceChanges).where(eq(sourceChanges.tenantId, tenantId)).orderBy(sourceChanges.id),
    visitorKeys: await db.select().from(visitorSigningKeys).where(eq(visitorSigningKeys.tenantId, tenantId)).orderBy(visitorSigningKeys.id),
    handoffs: await db.select().from(handoffs).where(eq(handoffs.tenantId, tenantId)).orderBy(handoffs.id),
    supportSettings: await db.select().from(supportSettings).where(eq(supportSettings.tenantId, tenantId)),
    meetings: await db.select().from(meetings).where(eq(meetings.tenantId, tenantId)).orderBy(meetings.id),
    personalityVersions: await db.select().from(personalityVersions).where(eq(personalityVersions.tenantId, tenantId)).orderBy(personalityVersions.id),
    evaluationSets: await db.select().from(evaluationSets).where(eq(evaluationSets.tenantId, tenantId)).orderBy(evaluationSets.id),
    evaluationQuestions: await db.select().from(evaluationQuestions).where(eq(evaluationQuestions.tenantId, tenantId)).orderBy(evaluationQuestions.id),
    evaluationRuns: await db.select().from(evaluationRuns).where(eq(evaluationRuns.tenantId, tenantId)).orderBy(evaluationRuns.id),
  };
}
