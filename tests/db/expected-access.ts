// What the application roles may do with each table of the public schema: every privilege
// and every row-level security policy. `tests/db/catalog.test.ts` compares the live catalog
// with this table, so a grant or a policy nobody listed here fails the build, and widening
// access is a conscious, reviewed change.
//
// A new table adds exactly one entry (keep them alphabetical; most tenant tables are
// `TENANT_SCOPED`), next to the GRANTs and policies of its `*_security` migration.
//
// Privileges read `SELECT` for the whole table or `SELECT (a, b)` for some columns (names
// in alphabetical order). Policies read `name: COMMAND to role using <expression> check <expression>`, with
// PostgreSQL's own rendering of the expressions (`pg_policies`).

export type TableAccess = {
  app_tenant?: string[];
  app_system?: string[];
  policies: string[];
};

const READ_WRITE = ['DELETE', 'INSERT', 'SELECT', 'UPDATE'];

const TENANT_POLICY =
  'tenant_isolation: ALL to app_tenant using (tenant_id = app_current_tenant_id()) check (tenant_id = app_current_tenant_id())';

/** An ordinary tenant-scoped table: app_tenant reads and writes its own tenant's rows; app_system nothing. */
export const TENANT_SCOPED: TableAccess = { app_tenant: READ_WRITE, policies: [TENANT_POLICY] };

/** An Auth.js adapter table: identities are not tenant data, only app_system (the adapter) reaches them. */
const AUTH_ADAPTER: TableAccess = {
  app_system: READ_WRITE,
  policies: ['system_identity: ALL to app_system using true check true'],
};

export const EXPECTED_ACCESS: Record<string, TableAccess> = {
  accounts: AUTH_ADAPTER,
  ai_personalities: TENANT_SCOPED,
  api_keys: {
    app_tenant: READ_WRITE,
    // The usage API resolves a secret key by its hash and records when it was last used.
    app_system: ['SELECT (id, key_hash, revoked_at, tenant_id)', 'UPDATE (last_used_at)'],
    policies: [
      'system_read: SELECT to app_system using true',
      'system_touch: UPDATE to app_system using (revoked_at IS NULL) check (revoked_at IS NULL)',
      TENANT_POLICY,
    ],
  },
  auth_sessions: AUTH_ADAPTER,
  budget_alerts: TENANT_SCOPED,
  budget_thresholds: TENANT_SCOPED,
  // The conversation's audit trail (handoffs taken, handed back, resolved): written once, never edited.
  conversation_events: { app_tenant: ['INSERT', 'SELECT'], policies: [TENANT_POLICY] },
  cost_events: TENANT_SCOPED,
  cost_rollup_watermarks: TENANT_SCOPED,
  cost_summaries: TENANT_SCOPED,
  evaluation_questions: TENANT_SCOPED,
  evaluation_results: TENANT_SCOPED,
  evaluation_runs: TENANT_SCOPED,
  evaluation_sets: TENANT_SCOPED,
  invitations: {
    app_tenant: READ_WRITE,
    // An invitation link is looked up by its token hash before the tenant is known; it is
    // accepted as app_tenant inside the invitation's tenant.
    app_system: ['SELECT'],
    policies: ['system_read: SELECT to app_system using true', TENANT_POLICY],
  },
  handoffs: TENANT_SCOPED,
  knowledge_chunks: TENANT_SCOPED,
  // BM25's statistics, written by the triggers on knowledge_chunks as the role that writes the chunks.
  knowledge_corpus_stats: TENANT_SCOPED,
  knowledge_documents: TENANT_SCOPED,
  knowledge_sources: TENANT_SCOPED,
  knowledge_term_stats: TENANT_SCOPED,
  livekit_webhook_events: TENANT_SCOPED,
  meeting_participants: TENANT_SCOPED,
  // A visitor's image: written once, deleted with its conversation, never edited.
  message_attachments: { app_tenant: ['DELETE', 'INSERT', 'SELECT'], policies: [TENANT_POLICY] },
  meetings: {
    app_tenant: READ_WRITE,
    // The reconciler lists running and recently ended meetings across tenants.
    app_system: ['SELECT (ended_at, id, started_at, tenant_id)'],
    policies: ['system_read: SELECT to app_system using true', TENANT_POLICY],
  },
  memberships: {
    app_tenant: READ_WRITE,
    // Sign-in and the workspace switcher list a user's workspaces across tenants.
    app_system: ['SELECT (created_at, role, tenant_id, user_id)'],
    policies: ['system_read: SELECT to app_system using true', TENANT_POLICY],
  },
  messages: TENANT_SCOPED,
  // Written by the personality's first-version trigger as the role inserting the personality (app_tenant).
  personality_versions: TENANT_SCOPED,
  rate_limits: {
    app_system: READ_WRITE,
    policies: ['system_counters: ALL to app_system using true check true'],
  },
  sessions: TENANT_SCOPED,
  source_changes: TENANT_SCOPED,
  source_pages: TENANT_SCOPED,
  source_syncs: TENANT_SCOPED,
  sources: TENANT_SCOPED,
  // A reservation is made and released, never changed.
  spend_reservations: { app_tenant: ['DELETE', 'INSERT', 'SELECT'], policies: [TENANT_POLICY] },
  tenants: {
    // A workspace edits its own settings; its plan and billing ids are not among them.
    app_tenant: ['DELETE', 'SELECT', 'UPDATE (allowed_domains, monthly_spend_cap_usd, name, publishable_key, updated_at)'],
    // Onboarding creates tenants; jobs list them; public routes read a widget's workspace domains.
    app_system: ['INSERT', 'SELECT (allowed_domains, id, name)'],
    policies: [
      'system_create: INSERT to app_system check true',
      'system_read: SELECT to app_system using true',
      'tenant_isolation: ALL to app_tenant using (id = app_current_tenant_id()) check (id = app_current_tenant_id())',
    ],
  },
  users: {
    // Teammates' names, emails and pictures: never password hashes or session versions.
    app_tenant: ['SELECT (email, id, image, name)'],
    // The Auth.js adapter, password sign-in and "sign out everywhere". Nothing updates a password hash.
    app_system: ['DELETE', 'INSERT', 'SELECT', 'UPDATE (email, email_verified, id, image, name, session_version, updated_at)'],
    policies: [
      'system_identity: ALL to app_system using true check true',
      'tenant_members: SELECT to app_tenant using (EXISTS ( SELECT 1 FROM memberships m WHERE ((m.user_id = users.id) AND (m.tenant_id = app_current_tenant_id()))))',
    ],
  },
  verification_tokens: AUTH_ADAPTER,
  support_settings: TENANT_SCOPED,
  visitor_signing_keys: TENANT_SCOPED,
  visitors: TENANT_SCOPED,
  widgets: {
    app_tenant: READ_WRITE,
    // Public widget routes resolve a widget id to its tenant, look, allowed origins and which
    // visitors it accepts (identity mode).
    app_system: ['SELECT (allowed_origins, id, identity_mode, is_active, name, personality_id, settings, tenant_id)'],
    policies: ['system_read: SELECT to app_system using true', TENANT_POLICY],
  },
};
