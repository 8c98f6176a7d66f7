import 'server-only';
import { z } from 'zod';
import type { ConversationCursor, ConversationFilters } from '@/db/queries/conversations';
import { SESSION_MODES, SESSION_SOURCES } from '@/db/schema';

// The conversation list's filters as they appear in the URL, shared by the page and the export
// route so an export contains exactly what the list shows. Bad values are ignored, not errors.

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((value) => !Number.isNaN(Date.parse(value)));

const querySchema = z.object({
  widget: z.uuid().optional().catch(undefined),
  mode: z.enum(SESSION_MODES).optional().catch(undefined),
  source: z.enum(SESSION_SOURCES).optional().catch(undefined),
  from: day.optional().catch(undefined),
  to: day.optional().catch(undefined),
  after: z.string().max(200).optional().catch(undefined),
});

export type ConversationQuery = z.infer<typeof querySchema>;

export function parseConversationQuery(params: Record<string, string | string[] | undefined>): ConversationQuery {
  return querySchema.parse(Object.fromEntries(Object.entries(params).map(([key, value]) => [key, Array.isArray(value) ? value[0] : value])));
}

export function conversationFilters(query: ConversationQuery): ConversationFilters {
  return {
    widgetId: query.widget,
    mode: query.mode,
    source: query.source,
    // Whole days in UTC, both ends included.
    from: query.from ? new Date(`${query.from}T00:00:00.000Z`) : undefined,
    to: query.to ? new Date(`${query.to}T23:59:59.999Z`) : undefined,
  };
}

// As PostgreSQL prints a timestamptz: `2026-05-01 09:30:00.123456+00`.
const cursorSchema = z.object({ createdAt: z.string().regex(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/), id: z.uuid() });

export function encodeCursor(cursor: ConversationCursor): string {
  return Buffer.from(`${cursor.createdAt}|${cursor.id}`).toString('base64url');
}

export function decodeCursor(value: string | undefined): ConversationCursor | undefined {
  if (!value) return undefined;
  const [createdAt, id] = Buffer.from(value, 'base64url').toString().split('|');
  const parsed = cursorSchema.safeParse({ createdAt, id });
  return parsed.success ? parsed.data : undefined;
}

/** The query string for the given filters (and changes), empty values left out. */
export function conversationQueryString(query: ConversationQuery, changes: Partial<ConversationQuery> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...query, ...changes })) if (value) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}
