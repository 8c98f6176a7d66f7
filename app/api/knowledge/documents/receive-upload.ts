import 'server-only';
import { z } from 'zod';
import { createDocument } from '@/db/queries/knowledge';
import { enqueueIngestion } from '@/db/queue';
import { RoleRequiredError, TenantAccessError, type TenantSession, withTenant } from '@/db/withTenant';
import { PERMISSIONS } from '@/lib/auth/permissions';
import { getEnv } from '@/lib/env';
import { detectType, ExtractionError, mimeTypeOf } from '@/lib/knowledge/extract';
import { categoryField, tagsField } from '@/lib/knowledge/fields';
import { defaultTitle } from '@/lib/knowledge/ingest';
import { discardBody, readMultipartUpload, type UploadLimits, UploadRefusedError } from '@/lib/knowledge/upload-stream';

const fieldsSchema = z.object({ category: categoryField, tags: tagsField });

const MAX_FILES_PER_UPLOAD = 50;
/**
 * One request may carry this many files at the per-file limit. Files are held in memory until
 * they are stored in one transaction, so this bounds what one upload can make the server hold
 * (100 MB at the default 20 MB per file); more files go in several uploads.
 */
const FULL_SIZE_FILES_PER_REQUEST = 5;

export function uploadLimits(): UploadLimits {
  const maxFileBytes = Math.floor(getEnv().KNOWLEDGE_MAX_UPLOAD_MB * 1_048_576);
  return { maxFileBytes, maxFiles: MAX_FILES_PER_UPLOAD, maxRequestBytes: maxFileBytes * FULL_SIZE_FILES_PER_REQUEST };
}

const error = (status: number, message: string) => Response.json({ message }, { status });

/**
 * POST /api/knowledge/documents for a signed-in user (or null): the session, the role and the
 * declared size are checked before a byte of the body is read; then the files are streamed
 * with running caps, stored, and queued for indexing.
 */
export async function receiveUpload(session: TenantSession | null, request: Request): Promise<Response> {
  const refuse = (status: number, message: string) => {
    discardBody(request);
    return error(status, message);
  };
  if (!session) return refuse(401, 'Sign in to upload documents.');
  try {
    await withTenant(session, async () => undefined, { roles: PERMISSIONS['knowledge:manage'] });
  } catch (cause) {
    if (cause instanceof RoleRequiredError) return refuse(403, 'Only owners and admins can add knowledge.');
    if (cause instanceof TenantAccessError) return refuse(403, 'You are no longer a member of this workspace.');
    throw cause;
  }

  const limits = uploadLimits();
  let upload;
  try {
    upload = await readMultipartUpload(request, limits);
  } catch (cause) {
    if (cause instanceof UploadRefusedError) return refuse(cause.status, cause.message);
    throw cause;
  }
  if (upload.files.length === 0) return error(400, 'Choose at least one file to upload.');
  const fields = fieldsSchema.safeParse({ category: upload.fields.get('category'), tags: upload.fields.get('tags') });
  if (!fields.success) return error(422, fields.error.issues.map((issue) => issue.message).join(' '));

  const accepted: Array<{ fileName: string; bytes: Buffer; mimeType: string }> = [];
  const rejected: Array<{ fileName: string; reason: string }> = [];
  for (const { fileName, bytes } of upload.files) {
    if (bytes.length === 0) {
      rejected.push({ fileName, reason: 'The file is empty.' });
      continue;
    }
    try {
      accepted.push({ fileName, bytes, mimeType: mimeTypeOf(detectType(bytes, fileName)) });
    } catch (cause) {
      if (!(cause instanceof ExtractionError)) throw cause;
      rejected.push({ fileName, reason: cause.message });
    }
  }

  try {
    const created = await withTenant(
      session,
      async (tx, { tenantId }) => {
        const documents = [];
        for (const file of accepted) {
          const document = await createDocument(
            tx,
            {
              tenantId,
              title: defaultTitle(file.fileName),
              sourceType: 'upload',
              fileName: file.fileName.slice(0, 255),
              mimeType: file.mimeType,
              sizeBytes: file.bytes.length,
              category: fields.data.category,
              tags: fields.data.tags,
            },
            file.bytes,
          );
          documents.push({ id: document.id, title: document.title, tenantId });
        }
        return documents;
      },
      { roles: PERMISSIONS['knowledge:manage'] },
    );
    // Queued only once the documents are committed, so the worker always finds them.
    for (const document of created) await enqueueIngestion({ tenantId: document.tenantId, documentId: document.id });
    return Response.json({ documents: created.map(({ id, title }) => ({ id, title })), rejected }, { status: created.length ? 201 : 422 });
  } catch (cause) {
    // The role is checked again in the transaction that stores the files.
    if (cause instanceof RoleRequiredError) return error(403, 'Only owners and admins can add knowledge.');
    if (cause instanceof TenantAccessError) return error(403, 'You are no longer a member of this workspace.');
    console.error('Upload failed', cause);
    return error(500, 'The upload could not be saved. Nothing was stored; please try again.');
  }
}
