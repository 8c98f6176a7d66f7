import { mkdtempSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closeDatabase, DatabaseLockedError, getDatabase, openDatabase } from '@/db/client';

describe('embedded database client', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'pglite-lock-'));
  const dataDir = path.join(dir, 'data');
  afterAll(closeDatabase);

  it('refuses a data directory in use by another live process, with a clear error', async () => {
    // The parent process (the test runner) is alive, so its pid in the lock means "in use".
    writeFileSync(`${dataDir}.lock`, String(process.ppid));
    await expect(openDatabase({ driver: 'pglite', dataDir, autoMigrate: false })).rejects.toBeInstanceOf(DatabaseLockedError);
    await expect(openDatabase({ driver: 'pglite', dataDir, autoMigrate: false })).rejects.toThrow(/in use by process \d+/);
  });

  it('does not cache a failed start: the next call tries again', async () => {
    process.env.PGLITE_DATA_DIR = dataDir;
    // The environment is parsed once per process; this file has not read it before.
    await expect(getDatabase()).rejects.toBeInstanceOf(DatabaseLockedError);
    // The holder "dies": its lock is now stale and is taken over.
    writeFileSync(`${dataDir}.lock`, '999999999');
    const handle = await getDatabase();
    expect(handle.driver).toBe('pglite');
    expect(await getDatabase()).toBe(handle);
    await closeDatabase();
    expect(existsSync(`${dataDir}.lock`)).toBe(false);
  });
});
