import { z } from 'zod';
import { liveKitConfig } from '@/lib/livekit/config';
import { BodyTooLargeError, joinProblem, notConfigured, problem, readBoundedText } from '@/lib/meetings/http';
import { GUEST_NAME_MAX, joinAsGuest } from '@/lib/meetings/join';
import { clientIp, consumeRateLimit } from '@/lib/rate-limit';

export const dynamic = 'force-dynamic';

const MAX_BODY_BYTES = 4 * 1024;
// Guest joins per address: enough for a family behind one router, not for scripted token farming.
const GUEST_JOINS_PER_IP = { limit: 30, windowSeconds: 10 * 60 };

const requestSchema = z.object({
  link: z.string().min(1, 'The guest link is missing.').max(400),
  name: z
    .string()
    .trim()
    .min(1, 'Enter your name so the others know who you are.')
    .max(GUEST_NAME_MAX, `At most ${GUEST_NAME_MAX} characters.`)
    // Control characters would let a name impersonate layout in other people's views.
    .refine((name) => !/[\p{Cc}\p{Cf}]/u.test(name), 'Use letters, digits and ordinary punctuation.'),
});

/** A guest's join token: the link must be the meeting's current one and unexpired. */
export async function POST(request: Request) {
  const limited = await consumeRateLimit(`meeting-guest:ip:${clientIp(request.headers)}`, GUEST_JOINS_PER_IP);
  if (!limited.allowed) return problem(429, 'rate_limited', 'Too many attempts. Please wait a few minutes.', { 'retry-after': String(limited.retryAfterSeconds) });
  let raw: unknown;
  try {
    raw = JSON.parse(await readBoundedText(request, MAX_BODY_BYTES));
  } catch (error) {
    if (error instanceof BodyTooLargeError) return problem(413, 'too_large', 'The request is too large.');
    return problem(400, 'invalid', 'The request body must be JSON.');
  }
  const parsed = requestSchema.safeParse(raw);
  if (!parsed.success) return problem(422, 'invalid', parsed.error.issues.map((issue) => issue.message).join(' '));
  const config = liveKitConfig();
  if (!config) return notConfigured();
  try {
    return Response.json(await joinAsGuest(config, parsed.data.link, parsed.data.name), { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    return joinProblem(error);
  }
}
