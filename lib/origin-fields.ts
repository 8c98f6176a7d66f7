import { z } from 'zod';
import { normalizeOriginPattern } from './domains';

// An allow-list of origins as typed in a form (one per line or comma-separated), shared by
// the workspace's allowed domains and each widget's allowed origins. Kept apart from
// lib/domains.ts, which the widget frame bundles and must not pull zod in.

/** Valid, normalised, de-duplicated origins, at most 50. */
export const originListField = z
  .string()
  .max(5000)
  .default('')
  .transform((text, ctx) => {
    const entries = text.split(/[\n,]+/).map((entry) => entry.trim()).filter(Boolean);
    const origins: string[] = [];
    for (const entry of entries) {
      const origin = normalizeOriginPattern(entry);
      if (!origin) ctx.addIssue({ code: 'custom', message: `"${entry}" is not a valid domain or origin.` });
      else if (!origins.includes(origin)) origins.push(origin);
    }
    if (origins.length > 50) ctx.addIssue({ code: 'custom', message: 'At most 50 domains.' });
    return origins;
  });
