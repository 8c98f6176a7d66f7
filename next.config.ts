import type { NextConfig } from 'next';
import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_BUILD } from 'next/constants';

const nextConfig: NextConfig = {
  // A self-contained server for the Docker image (the Dockerfile sets NEXT_OUTPUT=standalone);
  // `next start` serves the ordinary build.
  output: process.env.NEXT_OUTPUT === 'standalone' ? 'standalone' : undefined,
  // PGlite loads its WebAssembly and extension bundles from its own package directory at run time.
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', 'postgres'],
  poweredByHeader: false,
  // Read at run time, so the standalone trace must include them: migrations (db/client.ts), the
  // bundled extraction process (lib/knowledge/extract-isolated.ts) and the PDF character maps and
  // standard fonts it reads from pdfjs-dist (pdfEngineData in lib/knowledge/extract.ts).
  outputFileTracingIncludes: {
    '/**': [
      './migrations/**/*',
      './dist/extraction-child.mjs',
      './node_modules/pdfjs-dist/package.json',
      './node_modules/pdfjs-dist/cmaps/**/*',
      './node_modules/pdfjs-dist/standard_fonts/**/*',
    ],
  },
};

// The embeddable widget's loader and frame scripts are built outside Next's bundler (they must
// stay tiny and framework-free) into public/, whenever Next builds or starts in development.
export default async function config(phase: string): Promise<NextConfig> {
  if (phase === PHASE_PRODUCTION_BUILD || phase === PHASE_DEVELOPMENT_SERVER) {
    // With its extension: Next compiles this file alone, and Node 24 runs the TypeScript itself.
    const { buildWidgetBundles } = await import('./lib/widget/build.ts');
    await buildWidgetBundles({ watch: phase === PHASE_DEVELOPMENT_SERVER });
    // Documents are read in a child process from this bundle (see lib/knowledge/extract-isolated.ts).
    const { buildExtractionChild } = await import('./lib/knowledge/build-extraction-child.ts');
    await buildExtractionChild({ watch: phase === PHASE_DEVELOPMENT_SERVER });
  }
  return nextConfig;
}
