import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: {
      '@': path.resolve(import.meta.dirname),
      // Tests run server modules directly; the guard only matters inside Next's bundles.
      'server-only': path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js'),
    },
  },
  test: {
    include: ['tests/**/*.test.ts', 'lib/**/*.test.ts', 'db/**/*.test.ts'],
    environment: 'node',
    // Each test file runs in its own process with its own in-memory PGlite database.
    pool: 'forks',
    env: { PGLITE_DATA_DIR: 'memory://', DATABASE_URL: '', AUTH_SECRET: 'test-only-secret-test-only-secret-test-only' },
    // next-auth imports `next/server` without an extension, which Node's ESM loader refuses;
    // letting Vite process it resolves the import the way Next's bundler does.
    server: { deps: { inline: ['next-auth'] } },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
