import { z } from 'zod';
import { getAttachment } from '@/db/queries/attachments';
import { TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';

export const dynamic = 'force-dynamic';

/**
 * An image a visitor attached, for the workspace's members only (any role can read
 * conversations): signed in, a member of the workspace (withTenant re-checks), and RLS keeps
 * every other workspace's images out of reach. Served as the re-encoded copy, never cached by
 * shared caches, and never rendered as anything but an image.
 */
export async function GET(_request: Request, { params }: { params: Promise<{ attachmentId: string }> }) {
  const session = await getCurrentSession();
  if (!session) return Response.json({ error: 'Sign in to see attachments.' }, { status: 401 });
  const id = z.uuid().safeParse((await params).attachmentId);
  if (!id.success) return Response.json({ error: 'Attachment not found.' }, { status: 404 });
  let attachment;
  try {
    attachment = await withTenant(session, (tx) => getAttachment(tx, session.tenantId, id.data));
  } catch (error) {
    if (error instanceof TenantAccessError) return Response.json({ error: 'You are not a member of this workspace.' }, { status: 403 });
    throw error;
  }
  if (!attachment) return Response.json({ error: 'Attachment not found.' }, { status: 404 });
  return new Response(new Uint8Array(attachment.bytes), {
    headers: {
      'Content-Type': attachment.mediaType,
      'Content-Length': String(attachment.bytes.length),
      'Cache-Control': 'private, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Content-Disposition': `inline; filename="attachment-${attachment.id}.${attachment.mediaType.split('/')[1]}"`,
    },
  });
}
