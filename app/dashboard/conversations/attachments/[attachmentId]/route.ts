import { getCurrentSession } from '@/lib/auth/session';
import { attachmentResponse } from '@/lib/conversations/attachment-response';

export const dynamic = 'force-dynamic';

/** An image a visitor attached in the widget: members of its workspace only (see attachmentResponse). */
export async function GET(_request: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  return attachmentResponse(await getCurrentSession(), (await params).attachmentId);
}
