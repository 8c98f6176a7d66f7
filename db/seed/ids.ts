import 'server-only';
import { createHash } from 'node:crypto';

// Stable ids of seeded rows, derived from a name: kept apart from the seed itself so the
// app (the /demo page) can name a seeded row without loading the seed.

export function seedId(name: string): string {
  const hex = createHash('sha256').update(`assistant-platform-seed:${name}`).digest('hex');
  // Shaped as an RFC 4122 version-5-style UUID so it passes every uuid validator.
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The demo workspace's (Acme's) widget, embedded by the /demo page. */
export const DEMO_WIDGET_ID = seedId('acme/widget');
