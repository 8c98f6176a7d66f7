import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, MIGRATIONS_FOLDER } from '@/db/client';
import * as schema from '@/db/schema';
import { seedDatabase, seedId } from '@/db/seed';
import { scopeToTenant } from '@/db/withTenant';
import { queryRows } from '../helpers/database';

const INIT_DIR = path.join(process.cwd(), 'db/docker-init');
const APP_LOGIN_ROLE = 'assistant';

// docker compose runs the app as a login role that owns its database but is no superuser,
// prepared by db/docker-init. Here the same init script runs as PGlite's superuser, then the
// session becomes that role and does what the app does at start: migrate, seed, serve.
describe('a non-superuser database owner (docker compose)', () => {
  let pglite: PGlite;
  let db: Database;

  beforeAll(async () => {
    pglite = await PGlite.create({ dataDir: 'memory://', extensions: { vector } });
    await pglite.exec(await readFile(path.join(INIT_DIR, '10-app-owner.sql'), 'utf8'));
    await pglite.exec(`set session authorization ${APP_LOGIN_ROLE}`);
    db = drizzle({ client: pglite, schema }) as unknown as Database;
  });
  afterAll(async () => pglite?.close());

  it('runs every migration and the seed', async () => {
    await migrate(drizzle({ client: pglite }), { migrationsFolder: MIGRATIONS_FOLDER });
    await seedDatabase(db);
    const [me] = await queryRows<{ user: string; superuser: boolean; createrole: boolean; bypass: boolean }>(db, sql`
      select current_user as user, rolsuper as superuser, rolcreaterole as createrole, rolbypassrls as bypass
      from pg_roles where rolname = current_user`);
    expect(me).toEqual({ user: APP_LOGIN_ROLE, superuser: false, createrole: false, bypass: false });
    const owners = await queryRows<{ owner: string }>(db, sql`
      select distinct pg_get_userbyid(c.relowner) as owner from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and c.relkind = 'r'`);
    expect(owners).toEqual([{ owner: APP_LOGIN_ROLE }]);
  });

  it('sees no tenant data as the login role itself: FORCE ROW LEVEL SECURITY binds the owner', async () => {
    const [counts] = await queryRows<{ tenants: number; users: number; messages: number }>(db, sql`
      select (select count(*)::int from tenants) as tenants, (select count(*)::int from users) as users,
             (select count(*)::int from messages) as messages`);
    expect(counts).toEqual({ tenants: 0, users: 0, messages: 0 });
  });

  it('reaches one tenant at a time through the app roles', async () => {
    const acme = seedId('acme/tenant');
    const visible = await scopeToTenant(db, acme, (tx) => tx.select({ tenantId: schema.widgets.tenantId }).from(schema.widgets));
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((row) => row.tenantId === acme)).toBe(true);
    const [tenant] = await scopeToTenant(db, acme, (tx) => tx.select({ name: schema.tenants.name }).from(schema.tenants).where(eq(schema.tenants.id, acme)));
    expect(tenant).toEqual({ name: 'Acme Corporation' });
  });

  it('is the role docker-compose.yml gives the app, with its own password, apart from the superuser', async () => {
    const compose = await readFile(path.join(process.cwd(), 'docker-compose.yml'), 'utf8');
    expect(compose).toContain('./db/docker-init:/docker-entrypoint-initdb.d:ro');
    const superuser = /POSTGRES_USER:\s*(\S+)/.exec(compose)?.[1];
    expect(superuser).toBeDefined();
    expect(superuser).not.toBe(APP_LOGIN_ROLE);
    const urls = [...compose.matchAll(/postgres:\/\/([^:@/\s]+):/g)].map((match) => match[1]);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    expect(new Set(urls)).toEqual(new Set([APP_LOGIN_ROLE]));
    const setPassword = await readFile(path.join(INIT_DIR, '20-app-owner-password.sh'), 'utf8');
    expect(setPassword).toContain(`ALTER ROLE ${APP_LOGIN_ROLE} PASSWORD`);
  });
});
