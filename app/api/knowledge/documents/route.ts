import { z } from 'zod';
import { createDocument } from '@/db/queries/knowledge';
import { enqueueIngestion } from '@/db/queue';
import { RoleRequiredError, TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { PERMISSIONS } from '@/lib/auth/permissions';
import { getEnv } from '@/lib/env';
import { defaultTitle } from '@/lib/knowledge/ingest';
import { detectType, ExtractionError, mimeTypeOf } from '@/lib/knowledge/extract';
import { categoryField, tagsField } from '@/lib/knowledge/fields';

export const dynamic = 'force-dynamic';

const fieldsSchema = z.object({ category: categoryField, tags: tagsField });

const error = (status: number, message: string) => Response.json({ message }, { status });

/** Uploads one or more files (multipart field `files`) into the knowledge base and queues their indexing. */
export async function POST(request: Request) {
  const session = await getCurrentSession();
  if (!session) return error(401, 'Sign in to upload documents.');
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return error(400, 'Send the files as multipart/form-data.');
  }
  const files = form.getAll('files').filter((value): value is File => value instanceof File);
  if (files.length === 0) return error(400, 'Choose at least one file to upload.');
  if (files.length > 50) return error(400, 'Upload at most 50 files at a time.');
  const fields = fieldsSchema.safeParse({ category: form.get('category') ?? undefined, tags: form.get('tags') ?? undefined });
  if (!fields.success) return error(422, fields.error.issues.map((issue) => issue.message).join(' '));

  const maxBytes = getEnv().KNOWLEDGE_MAX_UPLOAD_MB * 1_048_576;
  const accepted: Array<{ fileName: string; bytes: Buffer; mimeType: string }> = [];
  const rejected: Array<{ fileName: string; reason: string }> = [];
  for (const file of files) {
    if (file.size > maxBytes) {
      rejected.push({ fileName: file.name, reason: `Larger than the ${getEnv().KNOWLEDGE_MAX_UPLOAD_MB} MB limit.` });
      continue;
    }
    const bytes = Buffer.from(await file.arrayBuffer());
    if (bytes.length === 0) {
      rejected.push({ fileName: file.name, reason: 'The file is empty.' });
      continue;
    }
    try {
      accepted.push({ fileName: file.name, bytes, mimeType: mimeTypeOf(detectType(bytes, file.name)) });
    } catch (cause) {
      if (!(cause instanceof ExtractionError)) throw cause;
      rejected.push({ fileName: file.name, reason: cause.message });
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
    return Response.json(
      { documents: created.map(({ id, title }) => ({ id, title })), rejected },
      { status: created.length ? 201 : 422 },
    );
  } catch (cause) {
    if (cause instanceof RoleRequiredError) return error(403, 'Only owners and admins can add knowledge.');
    if (cause instanceof TenantAccessError) return error(403, 'You are no longer a member of this workspace.');
    console.error('Upload failed', cause);
    return error(500, 'The upload could not be saved. Nothing was stored; please try again.');
  }
}
