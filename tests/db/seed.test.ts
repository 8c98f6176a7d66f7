import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { seedDatabase, SEED_DAYS } from '@/db/seed';
import { createTestDatabase, queryRows } from '../helpers/database';

const TABLES = [
  'tenants', 'users', 'memberships', 'widgets', 'ai_personalities', 'knowledge_documents',
  'knowledge_chunks', 'sessions', 'messages', 'cost_events',
] as const;

describe('demo seed', () => {
  let handle: DatabaseHandle;
  const rows = <T>(statement: SQL) => queryRows<T>(handle.db, statement);
  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      out[table] = (await rows<{ n: number }>(sql.raw(`select count(*)::int as n from ${table}`)))[0]!.n;
    }
    return out;
  };

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => handle.close());

  it('runs twice without duplicating anything', async () => {
    const now = new Date();
    await seedDatabase(handle.db, now);
    const first = await counts();
    await seedDatabase(handle.db, now);
    expect(await counts()).toEqual(first);
    for (const table of TABLES) expect(first[table], table).toBeGreaterThan(0);
  });

  it('gives the demo owner a tenant with real knowledge and 60 days of activity in every service', async () => {
    const [owner] = await rows<{ role: string; tenant: string }>(sql`
      select m.role, t.name as tenant from users u
      join memberships m on m.user_id = u.id join tenants t on t.id = m.tenant_id
      where u.email = 'admin@acme.com'`);
    expect(owner).toEqual({ role: 'owner', tenant: 'Acme Corporation' });

    const services = await rows<{ service: string }>(sql`select distinct service from cost_events order by 1`);
    expect(services.map((s) => s.service)).toEqual(['embedding', 'livekit', 'llm', 'vision', 'voice_stt', 'voice_tts']);

    const [span] = await rows<{ days: number }>(sql`
      select count(distinct date_trunc('day', created_at))::int as days from sessions`);
    expect(span!.days).toBeGreaterThanOrEqual(SEED_DAYS - 10);

    const [defaults] = await rows<{ n: number }>(sql`select count(*)::int as n from ai_personalities where is_default`);
    expect(defaults!.n).toBe(2);

    // Session totals are consistent with their cost events, in exact numeric arithmetic.
    const [mismatch] = await rows<{ n: number }>(sql`
      select count(*)::int as n from sessions s
      where s.cost_usd <> coalesce((select sum(e.cost_usd) from cost_events e where e.session_id = s.id), 0)`);
    expect(mismatch!.n).toBe(0);

    const [found] = await rows<{ title: string }>(sql`
      select d.title from knowledge_chunks c join knowledge_documents d on d.id = c.document_id
      where c.search_vector @@ websearch_to_tsquery('english', 'free trial credit card') limit 1`);
    expect(found?.title).toBe('Acme Pulse pricing');
  });
});
