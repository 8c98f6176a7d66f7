import 'server-only';
import { z } from 'zod';
import { getAttachment } from '@/db/queries/attachments';
import { TenantAccessError, type TenantSession, withTenant } from '@/db/withTenant';

/**
 * An image a visitor attached, for the workspace's members only (any role reads
 * conversations): signed in, still a member (withTenant re-checks), and RLS keeps every other
 * workspace's images out of reach (another workspace's id answers exactly like an unknown
 * one). Served as the re-encoded copy, kept out of shared caches, and sandboxed so the
 * response can never be anything but an image.
 */
export async function attachmentResponse(session: TenantSession | null, attachmentId: string): Promise<Response> {
  if (!session) return Response.json({ error: 'Sign in to see attachments.' }, { status: 401 });
  const id = z.uuid().safeParse(attachmentId);
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
