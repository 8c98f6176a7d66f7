import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTypescript from 'eslint-config-next/typescript';
import { defineConfig, globalIgnores } from 'eslint/config';

// The raw database client bypasses row-level security scoping: app and lib code must go
// through db/withTenant (withTenant, withTenantId, withSystem) instead.
const rawClientImport = {
  group: ['**/db/client', '@/db/client', '**/db/client.ts'],
  message: 'Import from @/db/withTenant instead: tenant data is only reached through withTenant/withSystem.',
};

export default defineConfig([
  ...nextVitals,
  ...nextTypescript,
  globalIgnores(['.next/**', '.data/**', 'node_modules/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', 'public/widget.js', 'public/widget-frame.js', 'public/widget-media.js', 'dist/**']),
  {
    files: ['app/**', 'lib/**', 'components/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [rawClientImport] }] },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
]);
