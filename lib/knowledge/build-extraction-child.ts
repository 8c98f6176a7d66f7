// Bundles the extraction process (lib/knowledge/extraction-child.ts and everything it imports:
// mammoth, unpdf, linkedom, Readability) into one ES module with esbuild. next.config.ts runs
// this for `next build` and `next dev`, beside the widget bundles; the output is not committed.
// Run with Node's own TypeScript support from next.config.ts: relative imports keep their extension.
import path from 'node:path';
import type { BuildOptions } from 'esbuild';
import { EXTRACTION_CHILD_BUNDLE, EXTRACTION_CHILD_SOURCE } from './extraction-child-path.ts';

const root = path.resolve(import.meta.dirname, '../..');

/** `outfile` other than the default only for tests (tests/knowledge/extract-isolated.test.ts). */
export async function buildExtractionChild({ watch = false, outfile = path.join(root, EXTRACTION_CHILD_BUNDLE) } = {}): Promise<void> {
  const esbuild = await import('esbuild');
  const options: BuildOptions = {
    entryPoints: [path.join(root, EXTRACTION_CHILD_SOURCE)],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    // `server-only` is the empty module under the react-server condition, as in Next's server.
    conditions: ['react-server'],
    alias: { '@': root },
    // CommonJS dependencies (mammoth) call require() for Node's built-ins.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'warning',
  };
  if (!watch) {
    await esbuild.build(options);
    return;
  }
  const context = await esbuild.context(options);
  await context.rebuild();
  await context.watch();
}
