import { type SQL, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseHandle } from '@/db/client';
import { createTestDatabase, queryRows } from '../helpers/database';
import { EXPECTED_ACCESS, type TableAccess } from './expected-access';

type Grant = { table: string; grantee: string; privilege: string; column: string | null; grantable: boolean };
type Policy = { table: string; name: string; permissive: string; roles: string[]; cmd: string; qual: string | null; check: string | null };

// Every privilege held on a public table by a role other than its owner (the login role that
// ran the migrations), whole-table and per column, as aclexplode reads them from the catalog.
const GRANTS = sql`
  with tables as (
    select c.oid, c.relname, c.relowner, c.relacl from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S')
  )
  select t.relname as "table", coalesce(r.rolname, 'PUBLIC') as grantee, a.privilege_type as privilege,
         null::text as "column", a.is_grantable as grantable
  from tables t cross join lateral aclexplode(t.relacl) a left join pg_roles r on r.oid = a.grantee
  where a.grantee <> t.relowner
  union all
  select t.relname, coalesce(r.rolname, 'PUBLIC'), a.privilege_type, att.attname::text, a.is_grantable
  from tables t
  join pg_attribute att on att.attrelid = t.oid and att.attnum > 0 and not att.attisdropped
  cross join lateral aclexplode(att.attacl) a left join pg_roles r on r.oid = a.grantee
  where a.grantee <> t.relowner`;

/** The catalog in the shape of tests/db/expected-access.ts. */
function describeAccess(grants: Grant[], policies: Policy[]): Record<string, Record<string, string[]>> {
  const access: Record<string, Record<string, string[]>> = {};
  const entry = (table: string) => (access[table] ??= { policies: [] });
  const columns = new Map<string, string[]>();
  for (const grant of grants) {
    const option = grant.grantable ? ' WITH GRANT OPTION' : '';
    if (grant.column === null) (entry(grant.table)[grant.grantee] ??= []).push(`${grant.privilege}${option}`);
    else {
      const key = JSON.stringify([grant.table, grant.grantee, `${grant.privilege}${option}`]);
      columns.set(key, [...(columns.get(key) ?? []), grant.column]);
    }
  }
  for (const [key, names] of columns) {
    const [table, grantee, privilege] = JSON.parse(key) as [string, string, string];
    (entry(table)[grantee] ??= []).push(`${privilege} (${names.sort().join(', ')})`);
  }
  const expression = (text: string) => text.replace(/\s+/g, ' ');
  for (const policy of policies) {
    const parts = [`${policy.name}: ${policy.permissive === 'PERMISSIVE' ? '' : 'RESTRICTIVE '}${policy.cmd} to ${policy.roles.join(', ')}`];
    if (policy.qual !== null) parts.push(`using ${expression(policy.qual)}`);
    if (policy.check !== null) parts.push(`check ${expression(policy.check)}`);
    entry(policy.table).policies!.push(parts.join(' '));
  }
  for (const table of Object.values(access)) for (const list of Object.values(table)) list.sort();
  return access;
}

function normalize(expected: Record<string, TableAccess>): Record<string, Record<string, string[]>> {
  return Object.fromEntries(
    Object.entries(expected).map(([table, { policies, ...roles }]) => [
      table,
      {
        policies: [...policies].sort(),
        ...Object.fromEntries(Object.entries(roles).filter(([, list]) => list.length > 0).map(([role, list]) => [role, [...list].sort()])),
      },
    ]),
  );
}

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

  it('grants the application roles exactly the privileges and policies listed in tests/db/expected-access.ts', async () => {
    const grants = await query<Grant>(GRANTS);
    const policies = await query<Policy>(sql`
      select tablename as "table", policyname as name, permissive, roles::text[] as roles, cmd, qual, with_check as check
      from pg_policies where schemaname = 'public'`);
    const actual = describeAccess(grants, policies);
    const tables = await query<{ name: string }>(sql`
      select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind in ('r', 'p', 'v', 'm', 'f', 'S') order by 1`);
    const unlisted = tables.map((t) => t.name).filter((name) => !(name in EXPECTED_ACCESS));
    expect(unlisted, 'tables without an entry in tests/db/expected-access.ts').toEqual([]);
    for (const { name } of tables) actual[name] ??= { policies: [] };
    expect(actual).toEqual(normalize(EXPECTED_ACCESS));
  });

  it('gives the application roles nothing outside the public tables, and no default privileges', async () => {
    const elsewhere = await query<{ schema: string; name: string; grantee: string }>(sql`
      select table_schema as schema, table_name as name, grantee from information_schema.role_table_grants
      where grantee in ('app_tenant', 'app_system', 'PUBLIC') and table_schema not in ('public', 'pg_catalog', 'information_schema')`);
    expect(elsewhere).toEqual([]);
    const schemas = await query<{ schema: string; role: string; privilege: string }>(sql`
      select n.nspname as schema, r.rolname as role, a.privilege_type as privilege
      from pg_namespace n cross join lateral aclexplode(n.nspacl) a join pg_roles r on r.oid = a.grantee
      where r.rolname in ('app_tenant', 'app_system') order by 1, 2`);
    expect(schemas).toEqual([
      { schema: 'public', role: 'app_system', privilege: 'USAGE' },
      { schema: 'public', role: 'app_tenant', privilege: 'USAGE' },
    ]);
    // A default ACL would hand privileges on every future table to a role without review.
    expect(await query(sql`select defaclrole, defaclnamespace, defaclobjtype from pg_default_acl`)).toEqual([]);
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
