// Builds the bundles a host page loads, with esbuild, into public/: the loader
// (`/widget.js`, the script tag tenants paste) and the chat frame's script (`/widget-frame.js`).
// They are plain TypeScript with no framework so they stay within their budgets (3 KB and
// 40 KB gzipped, checked by tests/widget/bundle-size.test.ts). next.config.ts runs this for
// `next dev` and `next build`, so a clean checkout produces them; the output is not committed.
import path from 'node:path';
import type { BuildOptions } from 'esbuild';

const root = path.resolve(import.meta.dirname, '../..');

export const WIDGET_BUNDLES = {
  loader: { entry: 'lib/widget/client/loader.ts', output: 'public/widget.js' },
  frame: { entry: 'lib/widget/client/frame.ts', output: 'public/widget-frame.js' },
  // Voice and image helpers, loaded by the frame only when a visitor first uses them.
  media: { entry: 'lib/widget/client/media.ts', output: 'public/widget-media.js' },
} as const;

export const LOADER_BUDGET_BYTES = 3 * 1024;
export const FRAME_BUDGET_BYTES = 40 * 1024;
/** The frame with its voice and image helpers loaded: still within the frame's budget. */
export const FRAME_WITH_MEDIA_BUDGET_BYTES = FRAME_BUDGET_BYTES;

function options(bundle: keyof typeof WIDGET_BUNDLES): BuildOptions {
  return {
    entryPoints: [path.join(root, WIDGET_BUNDLES[bundle].entry)],
    outfile: path.join(root, WIDGET_BUNDLES[bundle].output),
    bundle: true,
    minify: true,
    // An IIFE: nothing leaks into the host page's (or the frame's) globals.
    format: 'iife',
    target: 'es2020',
    alias: { '@': root },
    legalComments: 'none',
    logLevel: 'warning',
  };
}

/** Builds every bundle; with `write: false` returns their code instead (for size checks). */
export async function buildWidgetBundles({ write = true, watch = false } = {}): Promise<Record<keyof typeof WIDGET_BUNDLES, string>> {
  const esbuild = await import('esbuild');
  const names = Object.keys(WIDGET_BUNDLES) as Array<keyof typeof WIDGET_BUNDLES>;
  const outputs = await Promise.all(
    names.map(async (name) => {
      if (watch) {
        const context = await esbuild.context(options(name));
        await context.rebuild();
        await context.watch();
        return '';
      }
      const result = await esbuild.build({ ...options(name), write });
      return write ? '' : result.outputFiles![0]!.text;
    }),
  );
  return Object.fromEntries(names.map((name, i) => [name, outputs[i]!])) as Record<keyof typeof WIDGET_BUNDLES, string>;
}
