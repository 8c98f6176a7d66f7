// The data model. Every tenant-scoped table carries `tenant_id` (children included) so
// each RLS policy is a plain equality and each hot index can lead with it. Policies,
// roles and FORCE ROW LEVEL SECURITY live in hand-written migrations (drizzle-kit cannot
// express FORCE or idempotent roles); `tests/db/catalog.test.ts` fails if a table lacks them.
import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  customType,
  doublePrecision,
  foreignKey,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  timestamp,
  unique,
  uniqueIndex,
  uuid,
  vector,
} from 'drizzle-orm/pg-core';

export const EMBEDDING_DIMENSIONS = 1024;

const tsvector = customType<{ data: string }>({
  dataType: () => 'tsvector',
});

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => Buffer.from(value),
});

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp('updated_at', { withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());
const tenantId = () =>
  uuid('tenant_id')
    .notNull()
    .references(() => tenants.id, { onDelete: 'cascade' });

export const PLANS = ['starter', 'growth', 'business', 'enterprise'] as const;
export const MEMBER_ROLES = ['owner', 'admin', 'member'] as const;
export const COST_SERVICES = ['vision', 'voice_stt', 'voice_tts', 'llm', 'embedding', 'livekit'] as const;
export const BUDGET_PERIODS = ['daily', 'weekly', 'monthly'] as const;
export const DOCUMENT_STATUSES = ['queued', 'processing', 'ready', 'failed'] as const;

export type MemberRole = (typeof MEMBER_ROLES)[number];
export type CostService = (typeof COST_SERVICES)[number];

// ==================== TENANTS ====================

export const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  // Publishable (`pk_...`): it ships in widget snippets, so it is an identifier, not a secret.
  publishableKey: text('publishable_key').notNull().unique(),
  plan: text('plan', { enum: PLANS }).notNull().default('starter'),
  allowedDomains: text('allowed_domains').array().notNull().default(sql`'{}'::text[]`),
  // NULL means no cap. Money is numeric end to end, never a JS float.
  monthlySpendCapUsd: numeric('monthly_spend_cap_usd', { precision: 12, scale: 2 }),
  settings: jsonb('settings').$type<{ features?: string[] }>().notNull().default({}),
  stripeCustomerId: text('stripe_customer_id').unique(),
  stripeSubscriptionId: text('stripe_subscription_id'),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});
export type Tenant = typeof tenants.$inferSelect;
export type NewTenant = typeof tenants.$inferInsert;

// ==================== IDENTITY (Auth.js adapter tables) ====================
// Users are identities, not tenant rows: one person can belong to several tenants through
// memberships. Column property names follow the Auth.js Drizzle adapter's required shape.

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name'),
    email: text('email').notNull(),
    emailVerified: timestamp('email_verified', { withTimezone: true, mode: 'date' }),
    image: text('image'),
    // OAuth users have no password.
    passwordHash: text('password_hash'),
    // Bumped by "sign out everywhere": session tokens carrying an older version are refused.
    sessionVersion: integer('session_version').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_lower_idx').on(sql`lower(${t.email})`)],
);
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;

export const accounts = pgTable(
  'accounts',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    type: text('type').notNull(),
    provider: text('provider').notNull(),
    providerAccountId: text('provider_account_id').notNull(),
    refresh_token: text('refresh_token'),
    access_token: text('access_token'),
    expires_at: integer('expires_at'),
    token_type: text('token_type'),
    scope: text('scope'),
    id_token: text('id_token'),
    session_state: text('session_state'),
  },
  (t) => [
    primaryKey({ columns: [t.provider, t.providerAccountId] }),
    index('accounts_user_idx').on(t.userId),
  ],
);
export type Account = typeof accounts.$inferSelect;

export const authSessions = pgTable(
  'auth_sessions',
  {
    sessionToken: text('session_token').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expires: timestamp('expires', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [index('auth_sessions_user_idx').on(t.userId)],
);
export type AuthSession = typeof authSessions.$inferSelect;

export const verificationTokens = pgTable(
  'verification_tokens',
  {
    identifier: text('identifier').notNull(),
    token: text('token').notNull(),
    expires: timestamp('expires', { withTimezone: true, mode: 'date' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.identifier, t.token] })],
);

// ==================== TEAM ====================

export const memberships = pgTable(
  'memberships',
  {
    tenantId: tenantId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role', { enum: MEMBER_ROLES }).notNull().default('member'),
    // Takes visitors' handoffs now: emailed when a visitor asks for a person (Inbox toggle).
    onDuty: boolean('on_duty').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
  ],
);
export type Membership = typeof memberships.$inferSelect;
export type NewMembership = typeof memberships.$inferInsert;

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    email: text('email').notNull(),
    role: text('role', { enum: MEMBER_ROLES }).notNull().default('member'),
    // Only the SHA-256 of the link token is stored; the link itself is shown or mailed once.
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    // Set once the link went only to the invited address: holding it then proves that mailbox.
    emailedAt: timestamp('emailed_at', { withTimezone: true }),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    index('invitations_tenant_created_idx').on(t.tenantId, t.createdAt),
    uniqueIndex('invitations_pending_email_idx')
      .on(t.tenantId, sql`lower(${t.email})`)
      .where(sql`${t.acceptedAt} is null`),
  ],
);
export type Invitation = typeof invitations.$inferSelect;
export type NewInvitation = typeof invitations.$inferInsert;

// Server-to-server secret keys (`sk_...`): stored hashed, shown once at creation.
export const apiKeys = pgTable(
  'api_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    // First characters of the key, kept so people can tell keys apart in the list.
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull().unique(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('api_keys_tenant_created_idx').on(t.tenantId, t.createdAt)],
);
export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;

// ==================== AI PERSONALITIES ====================

export const aiPersonalities = pgTable(
  'ai_personalities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    description: text('description'),
    systemPrompt: text('system_prompt').notNull(),
    temperature: numeric('temperature', { precision: 3, scale: 2 }).notNull().default('0.70'),
    maxTokens: integer('max_tokens').notNull().default(1024),
    topP: numeric('top_p', { precision: 3, scale: 2 }).notNull().default('1.00'),
    frequencyPenalty: numeric('frequency_penalty', { precision: 3, scale: 2 }).notNull().default('0.00'),
    presencePenalty: numeric('presence_penalty', { precision: 3, scale: 2 }).notNull().default('0.00'),
    preferredModel: text('preferred_model'),
    // Off: answers come only from the knowledge. On: the model may answer from general
    // knowledge when no passage matches, saying so.
    allowGeneralKnowledge: boolean('allow_general_knowledge').notNull().default(false),
    // What the assistant says when the knowledge has no answer; empty: written by the model
    // in the personality's voice (or a standard sentence without a model).
    fallbackMessage: text('fallback_message'),
    isDefault: boolean('is_default').notNull().default(false),
    isActive: boolean('is_active').notNull().default(true),
    metadata: jsonb('metadata').$type<{ tags?: string[]; category?: string }>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('ai_personalities_tenant_idx').on(t.tenantId, t.isActive),
    uniqueIndex('ai_personalities_tenant_name_idx').on(t.tenantId, t.name),
    // Exactly one default per tenant: at most one here, at least one kept by the app.
    uniqueIndex('ai_personalities_one_default_idx').on(t.tenantId).where(sql`${t.isDefault}`),
    check('ai_personalities_temperature_range', sql`${t.temperature} between 0 and 2`),
    check('ai_personalities_top_p_range', sql`${t.topP} between 0 and 1`),
    check('ai_personalities_frequency_penalty_range', sql`${t.frequencyPenalty} between -2 and 2`),
    check('ai_personalities_presence_penalty_range', sql`${t.presencePenalty} between -2 and 2`),
    check('ai_personalities_max_tokens_positive', sql`${t.maxTokens} > 0`),
    unique('ai_personalities_tenant_id_unique').on(t.tenantId, t.id),
  ],
);
export type AiPersonality = typeof aiPersonalities.$inferSelect;
export type NewAiPersonality = typeof aiPersonalities.$inferInsert;

// Every saved set of a personality's answering settings. The live version's settings are also
// the personality row's (what the engine reads); a draft version can be evaluated before it is
// made live, and an older one made live again (rollback). A new personality gets version 1 from
// a trigger (the evaluation security migration), whichever path inserts it.
export const personalityVersions = pgTable(
  'personality_versions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    personalityId: uuid('personality_id').notNull(),
    version: integer('version').notNull(),
    systemPrompt: text('system_prompt').notNull(),
    temperature: numeric('temperature', { precision: 3, scale: 2 }).notNull(),
    maxTokens: integer('max_tokens').notNull(),
    topP: numeric('top_p', { precision: 3, scale: 2 }).notNull(),
    frequencyPenalty: numeric('frequency_penalty', { precision: 3, scale: 2 }).notNull(),
    presencePenalty: numeric('presence_penalty', { precision: 3, scale: 2 }).notNull(),
    preferredModel: text('preferred_model'),
    allowGeneralKnowledge: boolean('allow_general_knowledge').notNull(),
    fallbackMessage: text('fallback_message'),
    /** What changed, in the author's words. */
    note: text('note'),
    isLive: boolean('is_live').notNull().default(false),
    /** When this version last became live. */
    publishedAt: timestamp('published_at', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.personalityId], foreignColumns: [aiPersonalities.tenantId, aiPersonalities.id] }).onDelete('cascade'),
    uniqueIndex('personality_versions_number_idx').on(t.tenantId, t.personalityId, t.version),
    uniqueIndex('personality_versions_one_live_idx').on(t.tenantId, t.personalityId).where(sql`${t.isLive}`),
    unique('personality_versions_tenant_id_unique').on(t.tenantId, t.id),
  ],
);
export type PersonalityVersion = typeof personalityVersions.$inferSelect;
export type NewPersonalityVersion = typeof personalityVersions.$inferInsert;

// ==================== WIDGETS ====================

export type WidgetSettings = {
  theme: 'light' | 'dark' | 'auto';
  position: 'bottom-right' | 'bottom-left';
  greeting?: string;
  /** Offered to visitors when the assistant has no answer. */
  contactEmail?: string;
  primaryColor?: string;
  secondaryColor?: string;
  starterQuestions?: string[];
  /** Spending ceilings per UTC day (decimal dollars); unset: the defaults in lib/costs/budget.ts. */
  dailySpendCapUsd?: string;
  visitorDailySpendCapUsd?: string;
  /** Voice and images in the chat (off unless turned on); limits per conversation, see lib/widget/media/settings.ts. */
  voiceInput?: boolean;
  voiceReplies?: boolean;
  /** A text-to-speech voice name; unset: the deployment's TTS_VOICE. */
  voice?: string;
  imageAttachments?: boolean;
  voiceClipsPerSession?: number;
  voiceSecondsPerDay?: number;
  imagesPerSession?: number;
};

// anonymous: identity tokens are ignored; mixed: verified when the host page gives a token;
// verified: every public conversation route requires a valid token.
export const VISITOR_IDENTITY_MODES = ['anonymous', 'mixed', 'verified'] as const;
export type VisitorIdentityMode = (typeof VISITOR_IDENTITY_MODES)[number];

export const widgets = pgTable(
  'widgets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    personalityId: uuid('personality_id').references(() => aiPersonalities.id, {
      onDelete: 'restrict',
    }),
    name: text('name').notNull(),
    // Exact origins (`https://acme.com`) or wildcard subdomains (`https://*.acme.com`).
    allowedOrigins: text('allowed_origins').array().notNull().default(sql`'{}'::text[]`),
    settings: jsonb('settings')
      .$type<WidgetSettings>()
      .notNull()
      .default({ theme: 'auto', position: 'bottom-right' }),
    identityMode: text('identity_mode', { enum: VISITOR_IDENTITY_MODES }).notNull().default('mixed'),
    isActive: boolean('is_active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('widgets_tenant_created_idx').on(t.tenantId, t.createdAt),
    index('widgets_tenant_personality_idx').on(t.tenantId, t.personalityId),
  ],
);
export type Widget = typeof widgets.$inferSelect;
export type NewWidget = typeof widgets.$inferInsert;

// ==================== MEETINGS ====================

export const ASSISTANT_STATES = ['off', 'invited', 'active', 'muted'] as const;
export type AssistantState = (typeof ASSISTANT_STATES)[number];

export const meetings = pgTable(
  'meetings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    // The LiveKit room: `m_<tenant id>_<meeting id>`, so a webhook names its tenant and meeting.
    roomName: text('room_name').notNull(),
    // LiveKit's room SID is only known once the room exists.
    livekitRoomId: text('livekit_room_id'),
    title: text('title').notNull().default('Meeting'),
    description: text('description'),
    // When it is planned to start (optional); started_at is when the room actually started.
    scheduledFor: timestamp('scheduled_for', { withTimezone: true }),
    // Nullable: the creator may leave the team; the meeting stays.
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    participantMinutes: numeric('participant_minutes', { precision: 12, scale: 2 }).notNull().default('0'),
    maxParticipants: integer('max_participants').notNull().default(20),
    // The current guest link: its id is inside the signed link, so clearing it revokes the link.
    guestLinkId: text('guest_link_id'),
    guestLinkExpiresAt: timestamp('guest_link_expires_at', { withTimezone: true }),
    assistantState: text('assistant_state', { enum: ASSISTANT_STATES }).notNull().default('off'),
    // Why the assistant left or was refused (e.g. the spend cap), shown to the host.
    assistantNotice: text('assistant_notice'),
    summary: text('summary'),
    summaryError: text('summary_error'),
    metadata: jsonb('metadata').$type<{ title?: string; description?: string; participants?: string[] }>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('meetings_tenant_room_idx').on(t.tenantId, t.roomName),
    uniqueIndex('meetings_tenant_livekit_room_idx').on(t.tenantId, t.livekitRoomId),
    index('meetings_tenant_created_idx').on(t.tenantId, t.createdAt, t.id),
    unique('meetings_tenant_id_unique').on(t.tenantId, t.id),
    check('meetings_max_participants_range', sql`${t.maxParticipants} between 2 and 100`),
  ],
);
export type Meeting = typeof meetings.$inferSelect;
export type NewMeeting = typeof meetings.$inferInsert;

// ==================== VISITORS ====================
// A company's own user, signed into the widget with a JWT the company's server issues (see
// lib/visitors). Keyed by the token's `sub` only: an email is a field, never an identity.

export type VisitorAttributes = Record<string, string | number | boolean | null>;

export const visitors = pgTable(
  'visitors',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    externalId: text('external_id').notNull(),
    email: text('email'),
    emailVerified: boolean('email_verified').notNull().default(false),
    name: text('name'),
    attributes: jsonb('attributes').$type<VisitorAttributes>().notNull().default({}),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('visitors_tenant_external_idx').on(t.tenantId, t.externalId),
    unique('visitors_tenant_id_unique').on(t.tenantId, t.id),
  ],
);
export type Visitor = typeof visitors.$inferSelect;
export type NewVisitor = typeof visitors.$inferInsert;

// HS256 secrets that sign visitor tokens. Several may be active so keys rotate without
// downtime; the secret is shown once and stored encrypted (it must be read back to verify).
export const visitorSigningKeys = pgTable(
  'visitor_signing_keys',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    // The token header's `kid`: public, names the key.
    keyId: text('key_id').notNull(),
    name: text('name').notNull(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('visitor_signing_keys_tenant_key_idx').on(t.tenantId, t.keyId),
    index('visitor_signing_keys_tenant_created_idx').on(t.tenantId, t.createdAt),
  ],
);
export type VisitorSigningKey = typeof visitorSigningKeys.$inferSelect;
// Who is billed: people (browsers, phones), the assistant (an agent) and recorders (egress).
export const PARTICIPANT_KINDS = ['person', 'assistant', 'recorder'] as const;
export type ParticipantKind = (typeof PARTICIPANT_KINDS)[number];
export const PARTICIPANT_CLOSE_REASONS = ['left', 'aborted', 'room_finished', 'reconciled'] as const;

// One row per participant connection (LiveKit participant SID): a person who rejoins gets a
// new row. Either the join or the leave webhook may arrive first; the row is billed once,
// when both ends are known.
export const meetingParticipants = pgTable(
  'meeting_participants',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    meetingId: uuid('meeting_id').notNull(),
    participantSid: text('participant_sid').notNull(),
    identity: text('identity').notNull(),
    name: text('name'),
    kind: text('kind', { enum: PARTICIPANT_KINDS }).notNull().default('person'),
    joinedAt: timestamp('joined_at', { withTimezone: true }),
    leftAt: timestamp('left_at', { withTimezone: true }),
    closeReason: text('close_reason', { enum: PARTICIPANT_CLOSE_REASONS }),
    // Set once, when billed: whole minutes (each connection rounded up) and the cost event.
    billedMinutes: integer('billed_minutes'),
    costEventId: uuid('cost_event_id'),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.meetingId], foreignColumns: [meetings.tenantId, meetings.id] }).onDelete('cascade'),
    uniqueIndex('meeting_participants_sid_idx').on(t.tenantId, t.meetingId, t.participantSid),
    index('meeting_participants_meeting_joined_idx').on(t.tenantId, t.meetingId, t.joinedAt),
    // The reconciler's worklist: connections not closed yet.
    index('meeting_participants_open_idx').on(t.tenantId, t.meetingId).where(sql`${t.billedMinutes} is null`),
  ],
);
export type MeetingParticipant = typeof meetingParticipants.$inferSelect;
export type NewMeetingParticipant = typeof meetingParticipants.$inferInsert;

// LiveKit webhook ids already processed, so a retried or replayed delivery changes nothing.
export const livekitWebhookEvents = pgTable(
  'livekit_webhook_events',
  {
    tenantId: tenantId(),
    eventId: text('event_id').notNull(),
    event: text('event').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.eventId] }), index('livekit_webhook_events_received_idx').on(t.tenantId, t.receivedAt)],
);

// ==================== CONVERSATIONS ====================

export const SESSION_MODES = ['text', 'meeting'] as const;
export const SESSION_SOURCES = ['widget', 'playground', 'api', 'meeting'] as const;

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    widgetId: uuid('widget_id').references(() => widgets.id, { onDelete: 'set null' }),
    meetingId: uuid('meeting_id').references(() => meetings.id, { onDelete: 'set null' }),
    personalityId: uuid('personality_id').references(() => aiPersonalities.id, { onDelete: 'set null' }),
    // Set for a verified visitor: the conversation follows them across devices.
    visitorId: uuid('visitor_id'),
    mode: text('mode', { enum: SESSION_MODES }).notNull().default('text'),
    source: text('source', { enum: SESSION_SOURCES }).notNull().default('widget'),
    costUsd: numeric('cost_usd', { precision: 14, scale: 8 }).notNull().default('0'),
    messageCount: integer('message_count').notNull().default(0),
    metadata: jsonb('metadata')
      .$type<{ userAgent?: string; country?: string; pageUrl?: string }>()
      .notNull()
      .default({}),
    createdAt: createdAt(),
    lastMessageAt: timestamp('last_message_at', { withTimezone: true }),
    // When the assistant last gave no grounded answer here (see messages.answer_status).
    unansweredAt: timestamp('unanswered_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
  },
  (t) => [
    // Keyset pagination is on (created_at, id); every list filter leads with tenant_id.
    index('sessions_tenant_created_idx').on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    index('sessions_tenant_widget_created_idx').on(t.tenantId, t.widgetId, t.createdAt.desc()),
    index('sessions_tenant_meeting_idx').on(t.tenantId, t.meetingId),
    unique('sessions_tenant_id_unique').on(t.tenantId, t.id),
    foreignKey({ columns: [t.tenantId, t.visitorId], foreignColumns: [visitors.tenantId, visitors.id] }).onDelete('cascade'),
    index('sessions_tenant_visitor_widget_idx').on(t.tenantId, t.visitorId, t.widgetId, t.createdAt.desc()),
  ],
);
export type Session = typeof sessions.$inferSelect;
export type NewSession = typeof sessions.$inferInsert;

// `agent`: a team member answering in person (human handoff).
export const MESSAGE_ROLES = ['user', 'assistant', 'system', 'agent'] as const;
export const MESSAGE_STATUSES = ['pending', 'streaming', 'complete', 'failed'] as const;
/**
 * How well an assistant reply is grounded: `grounded` cites the knowledge; `no_match` had no
 * passage above the relevance floor (the assistant said it does not know, or answered from
 * general knowledge where allowed); `uncited` had passages but cites none of them.
 */
export const ANSWER_STATUSES = ['grounded', 'no_match', 'uncited'] as const;
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

export type MessageSource = { index: number; documentId: string; chunkId: string; title: string; headingPath?: string[]; url?: string };
export type MessageMetadata = {
  model?: string;
  provider?: string;
  inputTokens?: number;
  outputTokens?: number;
  costUsd?: string;
  latencyMs?: number;
  answerMode?: 'model' | 'retrieval-only';
  /** Passage numbers the reply cites. */
  citations?: number[];
  /** The FAQ knowledge document written to answer this question (unanswered questions page). */
  answeredByDocumentId?: string;
  error?: string;
  /** For `agent` messages: who wrote it (the name is what the visitor saw). */
  agentId?: string;
  agentName?: string;
  /** Who said it, in a meeting transcript. */
  speaker?: string;
  /** A visitor's message that was spoken (the text is its transcript): the clip's length. */
  voiceSeconds?: number;
};

/** An image a visitor attached (bytes in message_attachments, shown to members through an authenticated route). */
export type MessageAttachment = { type: 'image' | 'file'; url: string; name?: string; size?: number; id?: string; mediaType?: string; width?: number; height?: number };

export const messages = pgTable(
  'messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sessionId: uuid('session_id').notNull(),
    role: text('role', { enum: MESSAGE_ROLES }).notNull(),
    content: text('content').notNull(),
    status: text('status', { enum: MESSAGE_STATUSES }).notNull().default('complete'),
    sources: jsonb('sources').$type<MessageSource[]>().notNull().default([]),
    // -1 thumbs down, 1 thumbs up, NULL no feedback.
    feedback: smallint('feedback'),
    // Assistant replies only; NULL for visitors' messages and failed replies.
    answerStatus: text('answer_status', { enum: ANSWER_STATUSES }),
    attachments: jsonb('attachments')
      .$type<MessageAttachment[]>()
      .notNull()
      .default([]),
    metadata: jsonb('metadata').$type<MessageMetadata>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    // Composite key: a message can only belong to a session of its own tenant.
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [sessions.tenantId, sessions.id] }).onDelete('cascade'),
    index('messages_tenant_session_created_idx').on(t.tenantId, t.sessionId, t.createdAt, t.id),
    index('messages_tenant_created_idx').on(t.tenantId, t.createdAt),
    // The unanswered-questions page: replies without a grounded answer, or voted down.
    index('messages_tenant_needs_answer_idx')
      .on(t.tenantId, t.createdAt)
      .where(sql`${t.answerStatus} in ('no_match', 'uncited') or ${t.feedback} = -1`),
    check('messages_feedback_values', sql`${t.feedback} in (-1, 1)`),
  ],
);
export type Message = typeof messages.$inferSelect;
export type NewMessage = typeof messages.$inferInsert;

// The bytes of an image a visitor attached in the widget, re-encoded (no metadata survives),
// kept in the tenant's scope with the conversation (deleted with it). Members read them
// through an authenticated route; visitors never read them back.
export const ATTACHMENT_MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type AttachmentMediaType = (typeof ATTACHMENT_MEDIA_TYPES)[number];

export const messageAttachments = pgTable(
  'message_attachments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sessionId: uuid('session_id').notNull(),
    // The visitor's message that carries it (messages has no (tenant_id, id) key; the session FK scopes it).
    messageId: uuid('message_id').notNull(),
    mediaType: text('media_type', { enum: ATTACHMENT_MEDIA_TYPES }).notNull(),
    width: integer('width').notNull(),
    height: integer('height').notNull(),
    byteSize: integer('byte_size').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [sessions.tenantId, sessions.id] }).onDelete('cascade'),
    index('message_attachments_tenant_session_idx').on(t.tenantId, t.sessionId, t.createdAt),
    check('message_attachments_size', sql`${t.byteSize} > 0 and ${t.width} > 0 and ${t.height} > 0`),
  ],
);
export type MessageAttachmentRow = typeof messageAttachments.$inferSelect;

// ==================== HUMAN HANDOFF ====================

export const HANDOFF_STATUSES = ['waiting', 'assigned', 'resolved', 'cancelled'] as const;
export const OPEN_HANDOFF_STATUSES = ['waiting', 'assigned'] as const;
export const HANDOFF_REASONS = ['visitor_request', 'no_answer', 'negative_feedback', 'keyword'] as const;
export type HandoffStatus = (typeof HANDOFF_STATUSES)[number];
export type HandoffReason = (typeof HANDOFF_REASONS)[number];

// One row per request for a person, from the request to its resolution. While one is open
// (waiting or assigned) the assistant stays silent in that conversation.
export const handoffs = pgTable(
  'handoffs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sessionId: uuid('session_id').notNull(),
    status: text('status', { enum: HANDOFF_STATUSES }).notNull().default('waiting'),
    reason: text('reason', { enum: HANDOFF_REASONS }).notNull(),
    requestedAt: timestamp('requested_at', { withTimezone: true }).notNull().defaultNow(),
    assignedTo: uuid('assigned_to').references(() => users.id, { onDelete: 'set null' }),
    assignedAt: timestamp('assigned_at', { withTimezone: true }),
    closedAt: timestamp('closed_at', { withTimezone: true }),
    // Lead capture: asked for outside office hours or when nobody picked up in time.
    leadRequestedAt: timestamp('lead_requested_at', { withTimezone: true }),
    leadEmail: text('lead_email'),
    leadNote: text('lead_note'),
    leadCapturedAt: timestamp('lead_captured_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [sessions.tenantId, sessions.id] }).onDelete('cascade'),
    unique('handoffs_tenant_id_unique').on(t.tenantId, t.id),
    // At most one open handoff per conversation, whoever races to open one.
    uniqueIndex('handoffs_one_open_per_session_idx').on(t.tenantId, t.sessionId).where(sql`${t.status} in ('waiting', 'assigned')`),
    index('handoffs_tenant_status_requested_idx').on(t.tenantId, t.status, t.requestedAt),
    index('handoffs_tenant_session_requested_idx').on(t.tenantId, t.sessionId, t.requestedAt),
  ],
);
export type Handoff = typeof handoffs.$inferSelect;

export const CONVERSATION_EVENT_TYPES = [
  'handoff_requested',
  'assigned',
  'released',
  'resolved',
  'cancelled',
  'lead_requested',
  'lead_captured',
] as const;
export const EVENT_ACTORS = ['visitor', 'member', 'system'] as const;
export type ConversationEventType = (typeof CONVERSATION_EVENT_TYPES)[number];

// The audit trail of a conversation's handoffs: who did what, when and why.
export const conversationEvents = pgTable(
  'conversation_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sessionId: uuid('session_id').notNull(),
    handoffId: uuid('handoff_id'),
    type: text('type', { enum: CONVERSATION_EVENT_TYPES }).notNull(),
    actor: text('actor', { enum: EVENT_ACTORS }).notNull(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    // The member's name as it was, so the record survives their leaving the team.
    actorName: text('actor_name'),
    reason: text('reason'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().default(sql`clock_timestamp()`),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [sessions.tenantId, sessions.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.handoffId], foreignColumns: [handoffs.tenantId, handoffs.id] }).onDelete('cascade'),
    index('conversation_events_tenant_session_created_idx').on(t.tenantId, t.sessionId, t.createdAt),
  ],
);
export type ConversationEvent = typeof conversationEvents.$inferSelect;

/** Opening hours per weekday, Monday first; null: closed that day. Times are HH:MM in the workspace's zone. */
export type WeeklyHours = Array<{ open: string; close: string } | null>;

export const supportSettings = pgTable('support_settings', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  handoffEnabled: boolean('handoff_enabled').notNull().default(true),
  timeZone: text('time_zone').notNull().default('UTC'),
  officeHoursEnabled: boolean('office_hours_enabled').notNull().default(false),
  weeklyHours: jsonb('weekly_hours').$type<WeeklyHours>().notNull(),
  pickupTimeoutMinutes: integer('pickup_timeout_minutes').notNull().default(5),
  updatedAt: updatedAt(),
}, (t) => [check('support_settings_pickup_timeout_range', sql`${t.pickupTimeoutMinutes} between 1 and 1440`)]);
export type SupportSettings = typeof supportSettings.$inferSelect;

// ==================== KNOWLEDGE BASE ====================

export const knowledgeDocuments = pgTable(
  'knowledge_documents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    title: text('title').notNull(),
    category: text('category'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    sourceType: text('source_type', { enum: ['upload', 'url', 'text'] }).notNull(),
    sourceUrl: text('source_url'),
    // The source (website, sitemap, page) the document was crawled from; NULL for uploads.
    sourceId: uuid('source_id'),
    fileName: text('file_name'),
    mimeType: text('mime_type'),
    sizeBytes: integer('size_bytes').notNull().default(0),
    // Extracted plain text; the original file is not kept.
    content: text('content'),
    contentHash: text('content_hash'),
    status: text('status', { enum: DOCUMENT_STATUSES }).notNull().default('queued'),
    statusReason: text('status_reason'),
    progress: smallint('progress').notNull().default(0),
    chunkCount: integer('chunk_count').notNull().default(0),
    tokenCount: integer('token_count').notNull().default(0),
    embeddingModel: text('embedding_model'),
    metadata: jsonb('metadata').$type<{ author?: string; pageCount?: number; skippedPages?: number[]; indexVersion?: number }>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('knowledge_documents_tenant_updated_idx').on(t.tenantId, t.updatedAt.desc(), t.id.desc()),
    index('knowledge_documents_tenant_status_idx').on(t.tenantId, t.status),
    index('knowledge_documents_tenant_category_idx').on(t.tenantId, t.category),
    index('knowledge_documents_tags_idx').using('gin', t.tags),
    unique('knowledge_documents_tenant_id_unique').on(t.tenantId, t.id),
    index('knowledge_documents_tenant_source_idx').on(t.tenantId, t.sourceId),
    foreignKey({ columns: [t.tenantId, t.sourceId], foreignColumns: [sources.tenantId, sources.id] }).onDelete('cascade'),
  ],
);
export type KnowledgeDocument = typeof knowledgeDocuments.$inferSelect;
export type NewKnowledgeDocument = typeof knowledgeDocuments.$inferInsert;

// The uploaded file, kept only until its text has been extracted, so a failed or interrupted
// ingestion can be retried without asking for the file again.
export const knowledgeSources = pgTable(
  'knowledge_sources',
  {
    tenantId: tenantId(),
    documentId: uuid('document_id').notNull(),
    bytes: bytea('bytes').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.documentId] }),
    foreignKey({ columns: [t.tenantId, t.documentId], foreignColumns: [knowledgeDocuments.tenantId, knowledgeDocuments.id] }).onDelete('cascade'),
  ],
);

export const knowledgeChunks = pgTable(
  'knowledge_chunks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    documentId: uuid('document_id').notNull(),
    position: integer('position').notNull(),
    content: text('content').notNull(),
    headingPath: text('heading_path').array().notNull().default(sql`'{}'::text[]`),
    tokenCount: integer('token_count').notNull(),
    // Stored inline (STORAGE PLAIN, set in the migration) so an exact scan reads one page per
    // row instead of a TOAST lookup: 3-5x faster exact search (see lib/knowledge/vector-search.ts).
    embedding: vector('embedding', { dimensions: EMBEDDING_DIMENSIONS }).notNull(),
    // Vectors from different models live in different spaces; search only compares like with like.
    embeddingModel: text('embedding_model').notNull(),
    // Whether the vector is in the HNSW graph yet. Chunks are written with false (no graph
    // insertion on the ingestion path) and searched exactly until the background job
    // (lib/knowledge/vector-index.ts) flips them in small batches.
    embeddingIndexed: boolean('embedding_indexed').notNull().default(false),
    // Copies of the document's filters, so a filtered vector search is one index scan on this
    // table (pgvector's iterative scan applies them while walking the HNSW graph).
    category: text('category'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    // The document's title when the chunk was indexed: part of the searched and embedded text.
    documentTitle: text('document_title').notNull().default(''),
    // Title (weight A) and heading path (weight B) above the body (D), plus identifiers kept
    // whole as well as split (app_identifier_tsvector, migration 0022).
    searchVector: tsvector('search_vector')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', document_title), 'A') || setweight(to_tsvector('english', app_join_words(heading_path)), 'B') || to_tsvector('english', content) || app_identifier_tsvector(document_title || ' ' || app_join_words(heading_path) || ' ' || content)`,
      ),
    metadata: jsonb('metadata').$type<{ overlapTokens?: number; page?: number }>().notNull().default({}),
    createdAt: createdAt(),
  },
  (t) => [
    // Composite key: a chunk can only belong to a document of its own tenant.
    foreignKey({ columns: [t.tenantId, t.documentId], foreignColumns: [knowledgeDocuments.tenantId, knowledgeDocuments.id] }).onDelete('cascade'),
    uniqueIndex('knowledge_chunks_document_position_idx').on(t.tenantId, t.documentId, t.position),
    // Partial: only rows the background job has indexed are in the graph.
    index('knowledge_chunks_embedding_idx')
      .using('hnsw', t.embedding.op('vector_cosine_ops'))
      .with({ m: 16, ef_construction: 64 })
      .where(sql`${t.embeddingIndexed}`),
    // The rows still waiting for the graph, per tenant: the exact half of the union search.
    index('knowledge_chunks_pending_idx').on(t.tenantId).where(sql`not ${t.embeddingIndexed}`),
    index('knowledge_chunks_search_idx').using('gin', t.searchVector),
    index('knowledge_chunks_tags_idx').using('gin', t.tags),
  ],
);
export type KnowledgeChunk = typeof knowledgeChunks.$inferSelect;
export type NewKnowledgeChunk = typeof knowledgeChunks.$inferInsert;

// BM25's statistics per tenant: how many chunks and tokens it has, and in how many chunks each
// lexeme occurs. Kept exact by statement triggers on knowledge_chunks (migration 0025), in the
// transaction that writes the chunks, so search reads them instead of counting.
export const knowledgeCorpusStats = pgTable('knowledge_corpus_stats', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  chunkCount: integer('chunk_count').notNull(),
  tokenCount: bigint('token_count', { mode: 'number' }).notNull(),
});

export const knowledgeTermStats = pgTable(
  'knowledge_term_stats',
  {
    tenantId: tenantId(),
    lexeme: text('lexeme').notNull(),
    chunkCount: integer('chunk_count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.lexeme] })],
);

// ==================== KNOWLEDGE SOURCES (crawled websites, sitemaps, pages) ====================
// A source is a set of documents that came from one place and is kept in step with it. Not to be
// confused with knowledge_sources above, which holds an upload's bytes until they are extracted.

export const SOURCE_KINDS = ['page', 'website', 'sitemap'] as const;
export const SOURCE_SCHEDULES = ['off', 'daily', 'weekly', 'cron'] as const;
export const SYNC_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export const SYNC_TRIGGERS = ['created', 'manual', 'schedule', 'retry'] as const;
export const SOURCE_PAGE_STATUSES = ['pending', 'active', 'duplicate', 'excluded', 'missing', 'retired', 'failed', 'review'] as const;
export const SOURCE_CHANGE_KINDS = ['new', 'changed', 'removed'] as const;
export const SOURCE_CHANGE_STATUSES = ['pending', 'approved', 'rejected'] as const;

export type SourceKind = (typeof SOURCE_KINDS)[number];
export type SourceSchedule = (typeof SOURCE_SCHEDULES)[number];
export type SyncStatus = (typeof SYNC_STATUSES)[number];
export type SourcePageStatus = (typeof SOURCE_PAGE_STATUSES)[number];

export type CrawlSettings = {
  /** Only pages on the start URL's host (www. or not) are taken. */
  sameSite: boolean;
  /** Path patterns with `*` wildcards (`/docs/*`); empty include means every path. */
  include: string[];
  exclude: string[];
  maxPages: number;
  /** Link hops from the start URL (website crawls). */
  maxDepth: number;
};

export const sources = pgTable(
  'sources',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    kind: text('kind', { enum: SOURCE_KINDS }).notNull(),
    // The start page, the sitemap, or the single page.
    url: text('url').notNull(),
    crawl: jsonb('crawl').$type<CrawlSettings>().notNull(),
    schedule: text('schedule', { enum: SOURCE_SCHEDULES }).notNull().default('off'),
    // The pg-boss cron expression (UTC) behind any schedule but `off`.
    cron: text('cron'),
    // Changes wait as pending until someone approves them.
    reviewChanges: boolean('review_changes').notNull().default(false),
    category: text('category'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    nextSyncAt: timestamp('next_sync_at', { withTimezone: true }),
    // The schedule occurrence last claimed: a second worker firing the same occurrence does nothing.
    lastScheduledFor: timestamp('last_scheduled_for', { withTimezone: true }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique('sources_tenant_id_unique').on(t.tenantId, t.id),
    index('sources_tenant_created_idx').on(t.tenantId, t.createdAt.desc()),
  ],
);
export type Source = typeof sources.$inferSelect;
export type NewSource = typeof sources.$inferInsert;

export type SyncEstimate = { pages: number; tokens: number; costUsd: string; model: string };

// One run of a source's sync: what the pipeline view shows (queued, running with progress, done,
// failed with the reason) and what a crash resumes from.
export const sourceSyncs = pgTable(
  'source_syncs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sourceId: uuid('source_id').notNull(),
    trigger: text('trigger', { enum: SYNC_TRIGGERS }).notNull(),
    status: text('status', { enum: SYNC_STATUSES }).notNull().default('queued'),
    statusReason: text('status_reason'),
    // Counters shown as progress; pagesFound grows while a website is being discovered.
    pagesFound: integer('pages_found').notNull().default(0),
    pagesDone: integer('pages_done').notNull().default(0),
    pagesNew: integer('pages_new').notNull().default(0),
    pagesChanged: integer('pages_changed').notNull().default(0),
    pagesUnchanged: integer('pages_unchanged').notNull().default(0),
    pagesRetired: integer('pages_retired').notNull().default(0),
    pagesFailed: integer('pages_failed').notNull().default(0),
    pagesSkipped: integer('pages_skipped').notNull().default(0),
    // The page cap stopped discovery: pages not reached are not counted as missing.
    truncated: boolean('truncated').notNull().default(false),
    // How many times a worker took this sync up (a crash or a stall adds one).
    attempts: integer('attempts').notNull().default(0),
    estimate: jsonb('estimate').$type<SyncEstimate>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sourceId], foreignColumns: [sources.tenantId, sources.id] }).onDelete('cascade'),
    unique('source_syncs_tenant_id_unique').on(t.tenantId, t.id),
    index('source_syncs_tenant_source_created_idx').on(t.tenantId, t.sourceId, t.createdAt.desc()),
    index('source_syncs_status_idx').on(t.status, t.heartbeatAt),
    // At most one sync of a source waiting or running at a time.
    uniqueIndex('source_syncs_one_active_idx').on(t.tenantId, t.sourceId).where(sql`${t.status} in ('queued', 'running')`),
  ],
);
export type SourceSync = typeof sourceSyncs.$inferSelect;

// Every address a source has met: its validators (ETag, Last-Modified), the hash of its extracted
// text, how many syncs in a row missed it, and the document it feeds.
export const sourcePages = pgTable(
  'source_pages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sourceId: uuid('source_id').notNull(),
    url: text('url').notNull(),
    // ON DELETE SET NULL (document_id) is added by hand in the security migration.
    documentId: uuid('document_id'),
    status: text('status', { enum: SOURCE_PAGE_STATUSES }).notNull().default('pending'),
    statusReason: text('status_reason'),
    depth: smallint('depth').notNull().default(0),
    title: text('title'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    contentHash: text('content_hash'),
    // A change someone rejected in review is not proposed again.
    rejectedHash: text('rejected_hash'),
    missCount: smallint('miss_count').notNull().default(0),
    // The sync that found the page and the last one that finished with it: the difference is
    // the frontier a resumed sync picks up.
    discoveredInSync: uuid('discovered_in_sync'),
    checkedInSync: uuid('checked_in_sync'),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastChangedAt: timestamp('last_changed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sourceId], foreignColumns: [sources.tenantId, sources.id] }).onDelete('cascade'),
    unique('source_pages_tenant_id_unique').on(t.tenantId, t.id),
    uniqueIndex('source_pages_source_url_idx').on(t.tenantId, t.sourceId, t.url),
    index('source_pages_source_discovered_idx').on(t.tenantId, t.sourceId, t.discoveredInSync),
    index('source_pages_source_hash_idx').on(t.tenantId, t.sourceId, t.contentHash),
    index('source_pages_document_idx').on(t.tenantId, t.documentId),
  ],
);
export type SourcePage = typeof sourcePages.$inferSelect;

// A change waiting for review (sources with reviewChanges): the new extracted text, shown as a
// diff against the document's current text until someone approves or rejects it.
export const sourceChanges = pgTable(
  'source_changes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sourceId: uuid('source_id').notNull(),
    pageId: uuid('page_id').notNull(),
    kind: text('kind', { enum: SOURCE_CHANGE_KINDS }).notNull(),
    status: text('status', { enum: SOURCE_CHANGE_STATUSES }).notNull().default('pending'),
    url: text('url').notNull(),
    title: text('title'),
    content: text('content'),
    contentHash: text('content_hash'),
    etag: text('etag'),
    lastModified: text('last_modified'),
    reviewedBy: uuid('reviewed_by').references(() => users.id, { onDelete: 'set null' }),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sourceId], foreignColumns: [sources.tenantId, sources.id] }).onDelete('cascade'),
    foreignKey({ columns: [t.tenantId, t.pageId], foreignColumns: [sourcePages.tenantId, sourcePages.id] }).onDelete('cascade'),
    index('source_changes_tenant_source_status_idx').on(t.tenantId, t.sourceId, t.status),
    // One pending change per page: a newer version replaces the one waiting.
    uniqueIndex('source_changes_one_pending_idx').on(t.tenantId, t.pageId).where(sql`${t.status} = 'pending'`),
  ],
);
export type SourceChange = typeof sourceChanges.$inferSelect;

// ==================== COSTS ====================

export const costEvents = pgTable(
  'cost_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sessionId: uuid('session_id').references(() => sessions.id, { onDelete: 'set null' }),
    service: text('service', { enum: COST_SERVICES }).notNull(),
    provider: text('provider').notNull(),
    model: text('model'),
    inputTokens: integer('input_tokens'),
    outputTokens: integer('output_tokens'),
    // Non-token quantities: minutes of audio or meeting, characters of speech, images.
    units: numeric('units', { precision: 14, scale: 4 }),
    unit: text('unit', { enum: ['tokens', 'minutes', 'characters', 'images', 'participant_minutes'] }),
    costUsd: numeric('cost_usd', { precision: 14, scale: 8 }).notNull(),
    priceVersion: text('price_version').notNull(),
    // Client-supplied id that makes usage reports idempotent (unique per tenant).
    externalId: text('external_id'),
    metadata: jsonb('metadata').$type<{ operation?: string; durationMs?: number }>().notNull().default({}),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
    createdAt: createdAt(),
  },
  (t) => [
    index('cost_events_tenant_occurred_idx').on(t.tenantId, t.occurredAt),
    index('cost_events_tenant_service_occurred_idx').on(t.tenantId, t.service, t.occurredAt),
    index('cost_events_tenant_session_idx').on(t.tenantId, t.sessionId),
    index('cost_events_tenant_created_idx').on(t.tenantId, t.createdAt),
    uniqueIndex('cost_events_tenant_external_idx').on(t.tenantId, t.externalId),
    check('cost_events_cost_nonnegative', sql`${t.costUsd} >= 0`),
  ],
);
export type CostEvent = typeof costEvents.$inferSelect;
export type NewCostEvent = typeof costEvents.$inferInsert;

// Money set aside for a model call in flight, so concurrent calls cannot all pass a budget
// check that each alone would pass. Deleted when the call's real cost is recorded; a
// reservation past its expiry (a process that died mid-call) no longer counts.
export const spendReservations = pgTable(
  'spend_reservations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    sessionId: uuid('session_id'),
    widgetId: uuid('widget_id'),
    amountUsd: numeric('amount_usd', { precision: 14, scale: 8 }).notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.sessionId], foreignColumns: [sessions.tenantId, sessions.id] }).onDelete('cascade'),
    index('spend_reservations_tenant_expires_idx').on(t.tenantId, t.expiresAt),
    check('spend_reservations_amount_nonnegative', sql`${t.amountUsd} >= 0`),
  ],
);
export type SpendReservation = typeof spendReservations.$inferSelect;

// Per-service totals are decimal strings so no float ever touches money.
export type CostBreakdown = Partial<Record<CostService, string>>;
// Per provider and model, so the costs page never has to scan raw events for its breakdown.
export type ModelCostBreakdown = Array<{ service: CostService; provider: string; model: string | null; costUsd: string; events: number }>;

export const costSummaries = pgTable(
  'cost_summaries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    granularity: text('granularity', { enum: ['day', 'month'] }).notNull(),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true }).notNull(),
    totalCostUsd: numeric('total_cost_usd', { precision: 14, scale: 8 }).notNull(),
    breakdown: jsonb('breakdown').$type<CostBreakdown>().notNull().default({}),
    byModel: jsonb('by_model').$type<ModelCostBreakdown>().notNull().default([]),
    eventCount: integer('event_count').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('cost_summaries_tenant_period_idx').on(t.tenantId, t.granularity, t.periodStart),
  ],
);
export type CostSummary = typeof costSummaries.$inferSelect;
export type NewCostSummary = typeof costSummaries.$inferInsert;

// How far the rollup job has summarised a tenant's events: every event created at or before
// `rolled_up_to` is in cost_summaries; newer ones are added live by the readers.
export const costRollupWatermarks = pgTable('cost_rollup_watermarks', {
  tenantId: uuid('tenant_id')
    .primaryKey()
    .references(() => tenants.id, { onDelete: 'cascade' }),
  rolledUpTo: timestamp('rolled_up_to', { withTimezone: true }).notNull(),
  updatedAt: updatedAt(),
});

export const BUDGET_SEVERITIES = ['warning', 'critical'] as const;
export type BudgetSeverity = (typeof BUDGET_SEVERITIES)[number];
export type BudgetPeriod = (typeof BUDGET_PERIODS)[number];

// Custom budget thresholds: an amount per day, week or month. The monthly cap's own thresholds
// (80% warning, 100% critical) are derived from tenants.monthly_spend_cap_usd, not stored.
export const budgetThresholds = pgTable(
  'budget_thresholds',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    amountUsd: numeric('amount_usd', { precision: 12, scale: 2 }).notNull(),
    period: text('period', { enum: BUDGET_PERIODS }).notNull(),
    severity: text('severity', { enum: BUDGET_SEVERITIES }).notNull().default('warning'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('budget_thresholds_tenant_period_amount_idx').on(t.tenantId, t.period, t.amountUsd),
    check('budget_thresholds_amount_positive', sql`${t.amountUsd} > 0`),
  ],
);
export type BudgetThreshold = typeof budgetThresholds.$inferSelect;

export const budgetAlerts = pgTable(
  'budget_alerts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    threshold: numeric('threshold', { precision: 12, scale: 2 }).notNull(),
    currentSpend: numeric('current_spend', { precision: 14, scale: 8 }).notNull(),
    period: text('period', { enum: BUDGET_PERIODS }).notNull().default('monthly'),
    periodStart: timestamp('period_start', { withTimezone: true }).notNull(),
    severity: text('severity', { enum: BUDGET_SEVERITIES }).notNull().default('warning'),
    notificationsSent: integer('notifications_sent').notNull().default(0),
    triggeredAt: timestamp('triggered_at', { withTimezone: true }).notNull().defaultNow(),
    resolved: boolean('resolved').notNull().default(false),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    metadata: jsonb('metadata')
      .$type<{ recipients?: string[]; channels?: string[]; customMessage?: string }>()
      .notNull()
      .default({}),
  },
  (t) => [
    // Raised once per threshold and period.
    uniqueIndex('budget_alerts_once_per_period_idx').on(t.tenantId, t.period, t.periodStart, t.threshold),
    index('budget_alerts_tenant_active_idx').on(t.tenantId, t.resolved, t.triggeredAt.desc()),
  ],
);
export type BudgetAlert = typeof budgetAlerts.$inferSelect;
export type NewBudgetAlert = typeof budgetAlerts.$inferInsert;

// ==================== EVALUATION ====================
// A tenant's own test sets (questions with the passages or the answer that should come back,
// or marked unanswerable) and the runs that score a personality version against them.

export const EVALUATION_QUESTION_STATUSES = ['active', 'candidate'] as const;
export const EVALUATION_QUESTION_ORIGINS = ['manual', 'import', 'generated'] as const;
export const EVALUATION_RUN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export const EVALUATION_RESULT_STATUSES = ['pending', 'done', 'error'] as const;
export type EvaluationRunStatus = (typeof EVALUATION_RUN_STATUSES)[number];

/** A passage that answers the question: a document, optionally one of its sections (a heading). */
export type ExpectedSource = { documentId: string; title: string; section?: string };

/** Candidate-question generation in the background, shown on the test set's page. */
export type QuestionGenerationState = {
  status: 'queued' | 'running' | 'completed' | 'failed';
  requested: number;
  produced: number;
  model: string;
  error?: string;
  updatedAt: string;
};

export const evaluationSets = pgTable(
  'evaluation_sets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    name: text('name').notNull(),
    description: text('description'),
    generation: jsonb('generation').$type<QuestionGenerationState>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('evaluation_sets_tenant_name_idx').on(t.tenantId, t.name),
    unique('evaluation_sets_tenant_id_unique').on(t.tenantId, t.id),
  ],
);
export type EvaluationSet = typeof evaluationSets.$inferSelect;

export const evaluationQuestions = pgTable(
  'evaluation_questions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    setId: uuid('set_id').notNull(),
    question: text('question').notNull(),
    expectedAnswer: text('expected_answer'),
    expectedSources: jsonb('expected_sources').$type<ExpectedSource[]>().notNull().default([]),
    unanswerable: boolean('unanswerable').notNull().default(false),
    // Generated questions wait as candidates until someone accepts them into the set.
    status: text('status', { enum: EVALUATION_QUESTION_STATUSES }).notNull().default('active'),
    origin: text('origin', { enum: EVALUATION_QUESTION_ORIGINS }).notNull().default('manual'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.setId], foreignColumns: [evaluationSets.tenantId, evaluationSets.id] }).onDelete('cascade'),
    index('evaluation_questions_tenant_set_idx').on(t.tenantId, t.setId, t.status, t.createdAt),
    // What should come back: passages, an answer, or nothing at all (never both).
    check(
      'evaluation_questions_expectation',
      sql`(${t.unanswerable} and ${t.expectedAnswer} is null and jsonb_array_length(${t.expectedSources}) = 0)
        or (not ${t.unanswerable} and (${t.expectedAnswer} is not null or jsonb_array_length(${t.expectedSources}) > 0))`,
    ),
  ],
);
export type EvaluationQuestion = typeof evaluationQuestions.$inferSelect;
export type NewEvaluationQuestion = typeof evaluationQuestions.$inferInsert;

/** A run's scores (lib/evaluation/summary.ts); null where nothing could be scored. */
export type EvaluationMetrics = {
  questions: number;
  scored: number;
  passed: number;
  errors: number;
  answerable: number;
  unanswerable: number;
  recallAt3: number | null;
  recallAt5: number | null;
  /** Mean reciprocal rank of the first relevant passage (0 when none came back). */
  mrr: number | null;
  /** Of the questions that got no passage, the share that were truly unanswerable. */
  noAnswerPrecision: number | null;
  /** Of the unanswerable questions, the share that got no passage (an honest "I don't know"). */
  noAnswerRecall: number | null;
  faithfulness: number | null;
  citationCorrectness: number | null;
  answerCorrectness: number | null;
  /** Of the unanswerable questions, the share whose answer said it did not know. */
  honestDeclines: number | null;
};

/** What the run searched: knowledge changes between runs explain retrieval differences. */
export type EvaluationKnowledgeSnapshot = { documents: number; chunks: number; embeddingModel: string };

export const evaluationRuns = pgTable(
  'evaluation_runs',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    setId: uuid('set_id').notNull(),
    // Kept when the personality or version is deleted: the names below say what was tested.
    personalityId: uuid('personality_id').references(() => aiPersonalities.id, { onDelete: 'set null' }),
    personalityVersionId: uuid('personality_version_id').references(() => personalityVersions.id, { onDelete: 'set null' }),
    personalityName: text('personality_name').notNull(),
    versionNumber: integer('version_number').notNull(),
    status: text('status', { enum: EVALUATION_RUN_STATUSES }).notNull().default('queued'),
    total: integer('total').notNull().default(0),
    completed: integer('completed').notNull().default(0),
    // Null: retrieval only. Otherwise answers are written by the version's model and graded.
    answerModel: text('answer_model'),
    judgeModel: text('judge_model'),
    metrics: jsonb('metrics').$type<EvaluationMetrics>(),
    knowledge: jsonb('knowledge').$type<EvaluationKnowledgeSnapshot>(),
    costUsd: numeric('cost_usd', { precision: 14, scale: 8 }).notNull().default('0'),
    error: text('error'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.setId], foreignColumns: [evaluationSets.tenantId, evaluationSets.id] }).onDelete('cascade'),
    index('evaluation_runs_tenant_set_created_idx').on(t.tenantId, t.setId, t.createdAt.desc()),
    index('evaluation_runs_tenant_created_idx').on(t.tenantId, t.createdAt.desc()),
    unique('evaluation_runs_tenant_id_unique').on(t.tenantId, t.id),
    check('evaluation_runs_progress', sql`${t.completed} between 0 and ${t.total}`),
  ],
);
export type EvaluationRun = typeof evaluationRuns.$inferSelect;

export type RetrievedPassage = { documentId: string; chunkId: string; title: string; headingPath: string[]; excerpt: string; score: number; relevant: boolean };
/** The judge's verdict on one statement of an answer. */
export type StatementVerdict = { id: number; text: string; cites: number[]; claim: boolean; supported: boolean; citationsSupport: boolean | null };
export type JudgeVerdict = {
  statements: StatementVerdict[];
  declined: boolean;
  matchesExpected: 'yes' | 'partly' | 'no' | null;
  reason: string;
};

// One question of one run. The question and its expectation are copied in, so a run keeps
// meaning what it measured after the set is edited; question_id pairs results across runs.
export const evaluationResults = pgTable(
  'evaluation_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tenantId: tenantId(),
    runId: uuid('run_id').notNull(),
    questionId: uuid('question_id').notNull(),
    position: integer('position').notNull(),
    question: text('question').notNull(),
    expectedAnswer: text('expected_answer'),
    expectedSources: jsonb('expected_sources').$type<ExpectedSource[]>().notNull().default([]),
    unanswerable: boolean('unanswerable').notNull(),
    status: text('status', { enum: EVALUATION_RESULT_STATUSES }).notNull().default('pending'),
    passages: jsonb('passages').$type<RetrievedPassage[]>().notNull().default([]),
    firstRelevantRank: integer('first_relevant_rank'),
    answer: text('answer'),
    answerStatus: text('answer_status', { enum: ANSWER_STATUSES }),
    judge: jsonb('judge').$type<JudgeVerdict>(),
    faithfulness: doublePrecision('faithfulness'),
    citationCorrectness: doublePrecision('citation_correctness'),
    answerCorrectness: doublePrecision('answer_correctness'),
    retrievalPassed: boolean('retrieval_passed'),
    answerPassed: boolean('answer_passed'),
    // Every scored part passed; null when nothing could be scored.
    passed: boolean('passed'),
    error: text('error'),
    costUsd: numeric('cost_usd', { precision: 14, scale: 8 }).notNull().default('0'),
    latencyMs: integer('latency_ms'),
    completedAt: timestamp('completed_at', { withTimezone: true }),
  },
  (t) => [
    foreignKey({ columns: [t.tenantId, t.runId], foreignColumns: [evaluationRuns.tenantId, evaluationRuns.id] }).onDelete('cascade'),
    uniqueIndex('evaluation_results_run_position_idx').on(t.tenantId, t.runId, t.position),
    index('evaluation_results_tenant_question_idx').on(t.tenantId, t.questionId),
  ],
);
export type EvaluationResult = typeof evaluationResults.$inferSelect;
export type NewEvaluationResult = typeof evaluationResults.$inferInsert;

// ==================== RATE LIMITS ====================
// Fixed-window counters shared by every app instance (nothing that must be shared lives in
// process memory). Keys are namespaced strings such as `sign-in:ip:203.0.113.7`; not tenant
// data, so only app_system reaches this table.

export const rateLimits = pgTable(
  'rate_limits',
  {
    key: text('key').notNull(),
    windowStart: timestamp('window_start', { withTimezone: true }).notNull(),
    count: integer('count').notNull().default(0),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.key, t.windowStart] }), index('rate_limits_expires_idx').on(t.expiresAt)],
);
