import 'server-only';
import { z } from 'zod';
import { getSessionById } from '@/db/queries/conversations';
import { getVisitorById } from '@/db/queries/visitors';
import { type PublicWidget, resolvePublicWidget } from '@/db/queries/widgets';
import type { Session } from '@/db/schema';
import { type Transaction, withSystem, withTenantId } from '@/db/withTenant';
import { REPLY_CONTENT_TYPE } from '@/lib/chat/protocol';
import { originMatches } from '@/lib/domains';
import { clientIp, countRateLimitHits, type RateLimit, type RateLimitCheck } from '@/lib/rate-limit';
import { type VerifiedVisitor, verifyVisitorToken } from '@/lib/visitors/token';
import { DEFAULT_PRIMARY_COLOR, DEFAULT_SECONDARY_COLOR, VISITOR_TOKEN_HEADER, type WidgetPublicConfig } from './client/types';
import { verifyWidgetSession } from './session-token';

// Shared by the public widget route handlers (app/api/widget/[widgetId]/...). No sign-in:
// the widget is resolved with withSystem, then everything else runs in withTenantId for its
// tenant. Every refusal is a 4xx JSON `{ error, code }` the chat frame can show as it is.

export const WIDGET_LIMITS = {
  messageMaxChars: 2000,
  // Anything larger than this cannot be a valid request; refused before it is parsed.
  bodyMaxBytes: 16 * 1024,
  messagesPerSession: { limit: 20, windowSeconds: 60 },
  messagesPerIp: { limit: 60, windowSeconds: 60 },
  messagesPerWidget: { limit: 1200, windowSeconds: 60 },
  sessionsPerIp: { limit: 30, windowSeconds: 600 },
  // Bounds an attacker who rotates addresses: new conversations per widget, whoever starts
  // them. A policy ceiling, not a measurement: a site with more real traffic raises it.
  sessionsPerWidget: { limit: 1000, windowSeconds: 3600 },
  // Asking for a person, going back, leaving an email: a handful per conversation.
  handoffActionsPerSession: { limit: 10, windowSeconds: 600 },
  leadNoteMaxChars: 1000,
  // Live streams a conversation may open (they reconnect every few minutes).
  liveStreamsPerSession: { limit: 30, windowSeconds: 600 },
} satisfies Record<string, number | RateLimit>;

export type WidgetErrorCode =
  | 'invalid'
  | 'forbidden'
  | 'not_found'
  | 'disabled'
  | 'invalid_session'
  | 'rate_limited'
  | 'unavailable'
  | 'too_large'
  | 'visitor_required'
  | 'visitor_token_invalid'
  | 'conflict'
  | 'unsupported_media'
  | 'feature_off'
  | 'limit_reached'
  | 'no_speech';

/** A streamed reply: NDJSON, never cached, never buffered by a proxy. */
export const REPLY_HEADERS = { 'Content-Type': REPLY_CONTENT_TYPE, 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' };

export function widgetError(status: number, code: WidgetErrorCode, error: string, headers?: HeadersInit): Response {
  return Response.json({ error, code }, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}

export const rateLimited = (retryAfterSeconds: number) =>
  widgetError(429, 'rate_limited', `Too many messages. Please wait ${retryAfterSeconds} seconds and try again.`, {
    'Retry-After': String(retryAfterSeconds),
  });

const widgetIdSchema = z.uuid();

/**
 * The chat frame is served by the app, so its API calls are same-origin. A browser says so in
 * Sec-Fetch-Site; older ones send Origin on POST, which must then be the app's own host. Any
 * other site's page (an allowed host page included) is refused: only the frame, which the
 * browser let load under `frame-ancestors`, talks to these routes. Clients that are not
 * browsers send neither header; they still need a signed session token and meet the limits.
 */
export function isFromAppOrigin(request: Request): boolean {
  const site = request.headers.get('sec-fetch-site');
  if (site) return site === 'same-origin';
  const origin = request.headers.get('origin');
  if (!origin) return true;
  const appHost = request.headers.get('x-forwarded-host') ?? request.headers.get('host') ?? new URL(request.url).host;
  try {
    return new URL(origin).host === appHost;
  } catch {
    return false;
  }
}

export function isAllowedHostOrigin(widget: Pick<PublicWidget, 'allowedOrigins'>, origin: string): boolean {
  return originMatches(origin, widget.allowedOrigins);
}

/** Resolves an active widget (as app_system), counting `limits` in the same transaction. */
export async function resolveActiveWidget(
  widgetId: string,
  limits: (widget: PublicWidget) => RateLimitCheck[] = () => [],
): Promise<{ widget: PublicWidget } | { response: Response }> {
  if (!widgetIdSchema.safeParse(widgetId).success) return { response: widgetNotFound() };
  const outcome = await withSystem(async (tx: Transaction) => {
    const widget = await resolvePublicWidget(tx, widgetId);
    if (!widget || !widget.isActive) return { widget };
    return { widget, limit: await countRateLimitHits(tx, limits(widget)) };
  });
  if (!outcome.widget) return { response: widgetNotFound() };
  if (!outcome.widget.isActive) return { response: widgetDisabled() };
  if (outcome.limit && !outcome.limit.allowed) return { response: rateLimited(outcome.limit.retryAfterSeconds) };
  return { widget: outcome.widget };
}

export const widgetNotFound = () => widgetError(404, 'not_found', 'This chat is not available.');
export const widgetDisabled = () => widgetError(410, 'disabled', 'This chat has been turned off by the site owner.');

export const visitorRequired = () =>
  widgetError(401, 'visitor_required', 'This chat is for signed-in users. Sign in on this site, then open the chat again.');

/**
 * Who the visitor is, as the widget's identity mode demands: `anonymous` ignores tokens;
 * `mixed` verifies one when the host page gave it; `verified` requires one. Checked on every
 * conversation route (runs inside the widget tenant's scope: the signing keys are tenant data).
 */
export async function identifyVisitor(
  tx: Transaction,
  widget: PublicWidget,
  request: Request,
): Promise<{ identity: VerifiedVisitor | null } | { response: Response }> {
  if (widget.identityMode === 'anonymous') return { identity: null };
  const token = request.headers.get(VISITOR_TOKEN_HEADER)?.trim();
  if (!token) return widget.identityMode === 'verified' ? { response: visitorRequired() } : { identity: null };
  const result = await verifyVisitorToken(tx, { tenantId: widget.tenantId, widgetId: widget.id, token });
  if (!result.ok) return { response: widgetError(401, 'visitor_token_invalid', `Your sign-in could not be verified: ${result.reason}`) };
  return { identity: result.visitor };
}

/**
 * A verified visitor's conversation opens only with that visitor's token (same `sub`), on any
 * device; an anonymous one only without an identity. So a shared computer whose page signed
 * its user out, or another user of the same site, never reads it.
 */
async function belongsToVisitor(tx: Transaction, session: Session, identity: VerifiedVisitor | null): Promise<boolean> {
  if (!session.visitorId) return identity === null;
  if (!identity) return false;
  return (await getVisitorById(tx, session.tenantId, session.visitorId))?.externalId === identity.externalId;
}

/** A visitor's verified request; `renewedToken` replaces an ageing token (see session-token.ts). */
export type VisitorRequest = {
  widget: PublicWidget;
  sessionId: string;
  session: Session;
  identity: VerifiedVisitor | null;
  renewedToken?: string;
};

/**
 * The common gate of the visitor routes: same-origin, a genuine session token for this widget
 * (`Authorization: Bearer <token>`), an active widget, the given rate limits, the visitor's
 * identity as the widget's mode requires, and a session that still exists and is theirs.
 */
export async function authorizeVisitor(
  request: Request,
  widgetId: string,
  limits: (visitor: { widget: PublicWidget; sessionId: string; ip: string }) => RateLimitCheck[] = () => [],
): Promise<VisitorRequest | { response: Response }> {
  if (!isFromAppOrigin(request)) return { response: widgetError(403, 'forbidden', 'This chat can only be used from its own window.') };
  if (!widgetIdSchema.safeParse(widgetId).success) return { response: widgetNotFound() };
  const bearer = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
  const verified = verifyWidgetSession(widgetId, bearer);
  if (!verified) return { response: invalidSession() };
  const { sessionId } = verified;
  const ip = clientIp(request.headers);
  const resolved = await resolveActiveWidget(widgetId, (widget) => limits({ widget, sessionId, ip }));
  if ('response' in resolved) return resolved;
  const { widget } = resolved;
  const outcome = await withTenantId(widget.tenantId, async (tx): Promise<{ session: Session; identity: VerifiedVisitor | null } | { response: Response }> => {
    const identified = await identifyVisitor(tx, widget, request);
    if ('response' in identified) return identified;
    const session = await getSessionById(tx, widget.tenantId, sessionId);
    if (!session || session.widgetId !== widget.id || !(await belongsToVisitor(tx, session, identified.identity))) return { response: invalidSession() };
    return { session, identity: identified.identity };
  });
  if ('response' in outcome) return outcome;
  return { widget, sessionId, session: outcome.session, identity: outcome.identity, renewedToken: verified.renewed };
}

export const invalidSession = () => widgetError(401, 'invalid_session', 'This conversation has expired. Please start a new one.');

/** Reads a small JSON body: too large, not JSON, or not matching `schema` are 4xx answers. */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<{ data: z.output<S> } | { response: Response }> {
  const declared = Number(request.headers.get('content-length') ?? 0);
  if (declared > WIDGET_LIMITS.bodyMaxBytes) return { response: widgetError(413, 'too_large', 'The request is too large.') };
  const text = await request.text();
  if (Buffer.byteLength(text) > WIDGET_LIMITS.bodyMaxBytes) return { response: widgetError(413, 'too_large', 'The request is too large.') };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { response: widgetError(400, 'invalid', 'The request body must be JSON.') };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) return { response: widgetError(400, 'invalid', parsed.error.issues.map((issue) => issue.message).join(' ')) };
  return { data: parsed.data };
}

/** Rate-limit keys for one visitor message: its session, its address and the whole widget. */
export function messageRateLimits({ widget, sessionId, ip }: { widget: PublicWidget; sessionId: string; ip: string }): RateLimitCheck[] {
  return [
    { key: `widget:session:${sessionId}`, ...WIDGET_LIMITS.messagesPerSession },
    { key: `widget:ip:${ip}`, ...WIDGET_LIMITS.messagesPerIp },
    { key: `widget:widget:${widget.id}`, ...WIDGET_LIMITS.messagesPerWidget },
  ];
}

// Colours reach CSS in the loader's shadow root: only plain hex ever leaves the server.
const hexColor = (value: string | undefined, fallback: string) => (value && /^#[0-9a-f]{6}$/i.test(value) ? value : fallback);

export function publicWidgetConfig(widget: PublicWidget): WidgetPublicConfig {
  const { settings } = widget;
  return {
    id: widget.id,
    name: widget.name,
    theme: settings.theme,
    position: settings.position,
    primaryColor: hexColor(settings.primaryColor, DEFAULT_PRIMARY_COLOR),
    secondaryColor: hexColor(settings.secondaryColor, DEFAULT_SECONDARY_COLOR),
    greeting: settings.greeting ?? '',
    starterQuestions: settings.starterQuestions ?? [],
    identityMode: widget.identityMode,
  };
}
