import type { NextConfig } from 'next';

const nextConfig: NextConfig = {
  // A self-contained server for the Docker image (see Dockerfile).
  output: 'standalone',
  // PGlite loads its WebAssembly and extension bundles from its own package directory at run time.
  serverExternalPackages: ['@electric-sql/pglite', '@electric-sql/pglite-pgvector', 'postgres'],
  poweredByHeader: false,
  // Migrations are read at run time by db/client.ts; the standalone trace must include them.
  outputFileTracingIncludes: { '/**': ['./migrations/**/*'] },
};

export default nextConfig;
