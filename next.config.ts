import type { NextConfig } from 'next';

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

export default nextConfig;
