import { z } from 'zod';
import { setMessageFeedback } from '@/db/queries/conversations';
import { withTenantId } from '@/db/withTenant';
import { authorizeVisitor, readJsonBody, widgetError } from '@/lib/widget/public-api';

export const dynamic = 'force-dynamic';

const feedbackSchema = z.object({
  messageId: z.uuid('messageId must be a message id.'),
  value: z.union([z.literal(1), z.literal(-1), z.null()], { error: 'value must be 1, -1 or null.' }),
});

/** Thumbs up or down on one answer of the visitor's own conversation (null takes it back). */
export async function POST(request: Request, { params }: { params: Promise<{ widgetId: string }> }) {
  const visitor = await authorizeVisitor(request, (await params).widgetId);
  if ('response' in visitor) return visitor.response;
  const body = await readJsonBody(request, feedbackSchema);
  if ('response' in body) return body.response;
  const saved = await withTenantId(visitor.widget.tenantId, (tx) =>
    setMessageFeedback(tx, visitor.widget.tenantId, visitor.sessionId, body.data.messageId, body.data.value),
  );
  if (!saved) return widgetError(404, 'not_found', 'That answer was not found in this conversation.');
  return new Response(null, { status: 204 });
}
