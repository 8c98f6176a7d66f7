import { z } from 'zod';
import { createSession, getSessionById } from '@/db/queries/conversations';
import { getPersonalityById } from '@/db/queries/personalities';
import { RoleRequiredError, TenantAccessError, withTenant } from '@/db/withTenant';
import { ReplyRequestError, streamReply } from '@/lib/ai/engine';
import { PERMISSIONS } from '@/lib/auth/permissions';
import { getCurrentSession } from '@/lib/auth/session';
import { MAX_MESSAGE_CHARACTERS, REPLY_CONTENT_TYPE } from '@/lib/chat/protocol';

export const dynamic = 'force-dynamic';

const requestSchema = z.object({
  personalityId: z.uuid('Choose a personality.'),
  /** Continue this playground conversation; omitted: start a new one. */
  sessionId: z.uuid().optional(),
  content: z.string().trim().min(1, 'Write a message.').max(MAX_MESSAGE_CHARACTERS, `At most ${MAX_MESSAGE_CHARACTERS} characters.`),
});

const error = (status: number, message: string) => Response.json({ message }, { status });

class PlaygroundRequestError extends Error {}

/** One playground turn: stored as a playground session of the workspace, answered by the engine. */
export async function POST(request: Request) {
  const user = await getCurrentSession();
  if (!user) return error(401, 'Sign in to use the playground.');
  const body = await request.json().catch(() => undefined);
  const parsed = requestSchema.safeParse(body);
  if (!parsed.success) return error(422, parsed.error.issues.map((issue) => issue.message).join(' '));
  const { personalityId, sessionId, content } = parsed.data;

  let conversation: { tenantId: string; sessionId: string };
  try {
    conversation = await withTenant(
      user,
      async (tx, { tenantId }) => {
        const personality = await getPersonalityById(tx, tenantId, personalityId);
        if (!personality?.isActive) throw new PlaygroundRequestError('That personality does not exist or is inactive.');
        if (sessionId) {
          const existing = await getSessionById(tx, tenantId, sessionId);
          if (existing?.source !== 'playground' || existing.personalityId !== personalityId) {
            throw new PlaygroundRequestError('That playground conversation was not found; start a new one.');
          }
          return { tenantId, sessionId };
        }
        const created = await createSession(tx, { tenantId, personalityId, source: 'playground', metadata: { userAgent: request.headers.get('user-agent') ?? undefined } });
        return { tenantId, sessionId: created.id };
      },
      { roles: PERMISSIONS['playground:chat'] },
    );
  } catch (cause) {
    if (cause instanceof PlaygroundRequestError) return error(404, cause.message);
    if (cause instanceof RoleRequiredError) return error(403, 'Your role in this workspace does not allow using the playground.');
    if (cause instanceof TenantAccessError) return error(403, 'You are no longer a member of this workspace.');
    throw cause;
  }

  try {
    const stream = await streamReply({ ...conversation, content, audience: 'member' });
    return new Response(stream, { headers: { 'content-type': REPLY_CONTENT_TYPE, 'cache-control': 'no-store', 'x-accel-buffering': 'no' } });
  } catch (cause) {
    if (cause instanceof ReplyRequestError) return error(404, cause.message);
    throw cause;
  }
}
