import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { ActionForm } from '@/components/action-form';
import { AutoRefresh } from '@/components/auto-refresh';
import { Card } from '@/components/ui/card';
import { SubmitButton } from '@/components/ui/submit-button';
import { getDocument, listChunks } from '@/db/queries/knowledge';
import { can } from '@/lib/auth/permissions';
import { withDashboardTenant } from '@/lib/auth/session';
import { deleteDocumentAction, reindexDocumentAction } from '../actions';
import { StatusBadge } from '../status-badge';
import { MetadataForm } from './metadata-form';

export const metadata: Metadata = { title: 'Document' };

const CHUNKS_PER_PAGE = 25;

export default async function DocumentPage({
  params,
  searchParams,
}: {
  params: Promise<{ documentId: string }>;
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  const { documentId } = await params;
  const page = z.coerce.number().int().min(1).max(100_000).catch(1).parse((await searchParams).page ?? 1);
  if (!z.uuid().safeParse(documentId).success) notFound();
  const data = await withDashboardTenant(async (tx, context) => {
    const document = await getDocument(tx, context.tenantId, documentId);
    if (!document) return undefined;
    const chunks = await listChunks(tx, context.tenantId, documentId, CHUNKS_PER_PAGE, (page - 1) * CHUNKS_PER_PAGE);
    return { document, chunks, role: context.role };
  });
  // Another tenant's id looks exactly like one that does not exist.
  if (!data) notFound();
  const { document, chunks, role } = data;
  const manage = can(role, 'knowledge:manage');
  const pages = Math.max(1, Math.ceil(document.chunkCount / CHUNKS_PER_PAGE));
  const busy = document.status === 'queued' || document.status === 'processing';

  return (
    <div className="flex flex-col gap-6">
      <AutoRefresh active={busy} />
      <div>
        <Link href="/dashboard/knowledge" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Knowledge</Link>
        <h1 className="mt-2 text-2xl font-semibold break-words">{document.title}</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          {document.sourceType === 'url' ? document.sourceUrl : (document.fileName ?? 'Text')}
          {document.metadata.pageCount ? ` · ${document.metadata.pageCount} pages` : ''}
          {document.status === 'ready' ? ` · ${document.chunkCount} chunks · ${document.tokenCount.toLocaleString('en-US')} tokens · ${document.embeddingModel}` : ''}
        </p>
      </div>

      <Card title="Status">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <StatusBadge status={document.status} progress={document.progress} reason={document.statusReason} />
          {manage && (
            <div className="flex flex-wrap gap-2">
              <ActionForm action={reindexDocumentAction} showSuccess>
                <input type="hidden" name="documentId" value={document.id} />
                <SubmitButton variant="secondary" pendingLabel="Queueing…">Re-index</SubmitButton>
              </ActionForm>
              <ActionForm action={deleteDocumentAction} confirm="Delete this document and its chunks? The assistant will stop using it.">
                <input type="hidden" name="documentId" value={document.id} />
                <SubmitButton variant="danger" pendingLabel="Deleting…">Delete</SubmitButton>
              </ActionForm>
            </div>
          )}
        </div>
      </Card>

      <Card title="Details">
        <MetadataForm documentId={document.id} title={document.title} category={document.category} tags={document.tags} readOnly={!manage} />
      </Card>

      <Card title="Chunks" description="The passages the assistant retrieves, in document order, with the headings they fall under.">
        {chunks.length === 0 ? (
          <p className="text-sm text-slate-600 dark:text-slate-400">{busy ? 'Chunks appear when indexing finishes.' : 'No chunks.'}</p>
        ) : (
          <ol className="flex flex-col gap-3">
            {chunks.map((chunk) => (
              <li key={chunk.id} className="rounded-lg border border-slate-200 p-3 dark:border-slate-800" data-testid="chunk">
                <p className="text-xs text-slate-500">
                  #{chunk.position + 1} · {chunk.tokenCount} tokens{chunk.headingPath.length ? ` · ${chunk.headingPath.join(' › ')}` : ''}
                </p>
                <p className="mt-1 text-sm whitespace-pre-wrap">{chunk.content}</p>
              </li>
            ))}
          </ol>
        )}
        {pages > 1 && (
          <nav aria-label="Chunk pages" className="mt-4 flex justify-between text-sm">
            {page > 1 ? <Link href={`?page=${page - 1}`} className="hover:underline">← Previous</Link> : <span />}
            <span className="text-slate-500">Page {page} of {pages}</span>
            {page < pages ? <Link href={`?page=${page + 1}`} className="hover:underline">Next →</Link> : <span />}
          </nav>
        )}
      </Card>
    </div>
  );
}
