import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildWidgetBundles, FRAME_BUDGET_BYTES, FRAME_WITH_MEDIA_BUDGET_BYTES, LOADER_BUDGET_BYTES } from '@/lib/widget/build';

// Host pages pay for the loader on every page view; the frame loads on first open. Both are
// built here from source, exactly as next.config.ts builds them, and measured gzipped.
describe('widget bundles', () => {
  it('stay within their gzipped budgets and stay self-contained', async () => {
    const bundles = await buildWidgetBundles({ write: false });
    const loader = gzipSync(bundles.loader).length;
    const frame = gzipSync(bundles.frame).length;
    expect(loader, `loader is ${loader} bytes gzipped`).toBeLessThanOrEqual(LOADER_BUDGET_BYTES);
    expect(frame, `frame is ${frame} bytes gzipped`).toBeLessThanOrEqual(FRAME_BUDGET_BYTES);
    // Voice and image code is a separate bundle the frame loads on first use, never the loader's or the frame's weight.
    const media = gzipSync(bundles.media).length;
    expect(frame + media, `frame with media is ${frame + media} bytes gzipped`).toBeLessThanOrEqual(FRAME_WITH_MEDIA_BUDGET_BYTES);
    expect(bundles.loader).not.toContain('MediaRecorder');
    expect(bundles.frame).not.toContain('MediaRecorder');
    expect(bundles.media).toContain('MediaRecorder');
    // An IIFE with no imports left and no global declarations on the host page.
    for (const code of Object.values(bundles)) {
      expect(code.trimStart().startsWith('(()=>{') || code.trimStart().startsWith('"use strict";(()=>{')).toBe(true);
      expect(code).not.toMatch(/\bimport\s*\(|\brequire\(/);
    }
  });
});
