import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { createTestDatabase, queryRows } from '../helpers/database';

// Guards the tenancy design at the catalog level: a table added without RLS, without FORCE,
// or without a policy for app_tenant fails here.
describe('row-level security catalog', () => {
  let handle: DatabaseHandle;
  const query = <T>(statement: SQL) => queryRows<T>(handle.db, statement);

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => handle.close());

  it('enables and forces RLS on every table in the public schema', async () => {
    const tables = await query<{ name: string; enabled: boolean; forced: boolean }>(sql`
      select c.relname as name, c.relrowsecurity as enabled, c.relforcerowsecurity as forced
      from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p') order by 1`);
    expect(tables.length).toBeGreaterThanOrEqual(17);
    expect(tables.filter((t) => !t.enabled || !t.forced).map((t) => t.name)).toEqual([]);
  });

  it('has an app_tenant policy with USING and WITH CHECK on tenant_id for every tenant-scoped table', async () => {
    const scoped = await query<{ name: string }>(sql`
      select table_name as name from information_schema.columns
      where table_schema = 'public' and column_name = 'tenant_id' order by 1`);
    const policies = await query<{ name: string; qual: string | null; check: string | null; cmd: string }>(sql`
      select tablename as name, qual, with_check as check, cmd from pg_policies
      where schemaname = 'public' and 'app_tenant' = any(roles)`);
    expect(scoped.length).toBeGreaterThanOrEqual(13);
    for (const { name } of scoped) {
      const policy = policies.find((p) => p.name === name && p.cmd === 'ALL');
      expect(policy, `app_tenant policy on ${name}`).toBeDefined();
      expect(policy!.qual).toContain('tenant_id = app_current_tenant_id()');
      expect(policy!.check).toContain('tenant_id = app_current_tenant_id()');
    }
  });

  it('gives every non-tenant table a policy for at least one application role', async () => {
    const uncovered = await query<{ name: string }>(sql`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'
        and not exists (select 1 from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname)`);
    expect(uncovered).toEqual([]);
  });

  it('keeps both application roles unable to log in or bypass RLS', async () => {
    const roles = await query<{ name: string; login: boolean; bypass: boolean; superuser: boolean }>(sql`
      select rolname as name, rolcanlogin as login, rolbypassrls as bypass, rolsuper as superuser
      from pg_roles where rolname in ('app_tenant', 'app_system') order by 1`);
    expect(roles).toEqual([
      { name: 'app_system', login: false, bypass: false, superuser: false },
      { name: 'app_tenant', login: false, bypass: false, superuser: false },
    ]);
  });

  it('stores vectors inline, so an exact scan reads one page per chunk', async () => {
    const [column] = await query<{ storage: string }>(sql`
      select a.attstorage as storage from pg_attribute a
      where a.attrelid = 'knowledge_chunks'::regclass and a.attname = 'embedding'`);
    expect(column?.storage).toBe('p');
    const [table] = await query<{ options: string[] | null }>(sql`select reloptions as options from pg_class where oid = 'knowledge_chunks'::regclass`);
    expect(table?.options).toContain('toast_tuple_target=8160');
  });

  it('indexes what the product needs: HNSW cosine, GIN full text, one default personality', async () => {
    const indexes = await query<{ name: string; definition: string }>(sql`
      select indexname as name, indexdef as definition from pg_indexes where schemaname = 'public'`);
    const definition = (name: string) => indexes.find((i) => i.name === name)?.definition ?? '';
    // The graph covers only the rows the background job has indexed; the rest are found through the pending index.
    expect(definition('knowledge_chunks_embedding_idx')).toMatch(/USING hnsw \(embedding vector_cosine_ops\) WITH \(m='?16'?, ef_construction='?64'?\) WHERE embedding_indexed$/);
    expect(definition('knowledge_chunks_pending_idx')).toMatch(/USING btree \(tenant_id\) WHERE \(NOT embedding_indexed\)$/);
    expect(definition('knowledge_chunks_search_idx')).toMatch(/USING gin \(search_vector\)/);
    expect(definition('ai_personalities_one_default_idx')).toMatch(/UNIQUE INDEX .* WHERE is_default/);
  });
});
