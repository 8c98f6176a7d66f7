import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from 'next/constants';

const nextConfig: NextConfig = {
  // A self-contained server for the Docker image (the Dockerfile sets NEXT_OUTPUT=standalone);
  // `next start` serves the ordinary build.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // PGlite loads its WebAssembly and extension bundles from its own package directory at run time.
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', 'postgres'],
  poweredByHeader: false,
  // Migrations are read at run time by db/client.ts; the standalone trace must include them.
  outputFileTracingIncludes: { '/**': ['./migrations/**/*'] },
};

// The embeddable widget's loader and frame scripts are built outside Next's bundler (they must
// stay tiny and framework-free) into public/, whenever Next builds or starts in development.
export default async function config(phase: string): Promise<NextConfig> {
  if (phase === PHASE_PRODUCTION_BUILD || phase === PHASE_DEVELOPMENT_SERVER) {
    // With its extension: Next compiles this file alone, and Node 24 runs the TypeScript itself.
    const { buildWidgetBundles } = await import('./lib/widget/build.ts');
    await buildWidgetBundles({ watch: phase === PHASE_DEVELOPMENT_SERVER });
  }
  return nextConfig;
}
