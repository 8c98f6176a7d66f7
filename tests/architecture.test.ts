import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true }).catch(() => []);
  const files = await Promise.all(
    entries.map((entry) => {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(relative);
      return /\.(ts|tsx|js|mjs)$/.test(entry.name) ? [relative] : [];
    }),
  );
  return files.flat();
}

describe('architecture', () => {
  it('keeps the raw database client out of app/, lib/ and components/', async () => {
    const offenders: string[] = [];
    for (const dir of ['app', 'lib', 'components']) {
      for (const file of await sourceFiles(dir)) {
        const text = await readFile(path.join(root, file), 'utf8');
        if (/from\s+['"](@\/|(\.\.\/)+)db\/client['"]|import\(\s*['"](@\/|(\.\.\/)+)db\/client['"]\s*\)/.test(text)) offenders.push(file);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('marks every server-only module under db/ and lib/ that touches the database or secrets', async () => {
    const missing: string[] = [];
    for (const file of [...(await sourceFiles('db')), 'lib/env.ts']) {
      if (file.startsWith(path.join('db', 'seed', 'knowledge'))) continue;
      if (['db/schema.ts', 'db/setup.ts', 'db/migrate.ts'].includes(file)) continue;
      const text = await readFile(path.join(root, file), 'utf8');
      if (!text.startsWith("import 'server-only';")) missing.push(file);
    }
    expect(missing).toEqual([]);
  });
});
