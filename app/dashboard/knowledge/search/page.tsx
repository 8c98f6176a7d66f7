import type { Metadata } from 'next';
import Link from 'next/link';
import { z } from 'zod';
import { Card } from '@/components/ui/card';
import { FilterSelect } from '@/components/ui/filter-select';
import { listDocumentFacets } from '@/db/queries/knowledge';
import { withDashboardTenant } from '@/lib/auth/session';
import { configuredEmbedder } from '@/lib/knowledge/embedders';
import { embedQuery, searchKnowledge } from '@/lib/knowledge/retrieve';

export const metadata: Metadata = { title: 'Search playground' };

const querySchema = z.object({
  q: z.string().trim().max(500).default('').catch(''),
  category: z.string().max(60).optional().catch(undefined),
  tag: z.string().max(40).optional().catch(undefined),
});

export default async function SearchPlaygroundPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const query = querySchema.parse(await searchParams);
  const embedder = configuredEmbedder();
  // The query is embedded before the transaction: no network call holds a database connection.
  const embedded = query.q ? await embedQuery(query.q, embedder) : undefined;
  const { hits, facets } = await withDashboardTenant(async (tx, { tenantId }) => {
    const found = embedded
      ? await searchKnowledge(tx, embedded, {
          tenantId,
          category: query.category || undefined,
          tags: query.tag ? [query.tag] : undefined,
          limit: 10,
          operation: 'search playground',
        })
      : [];
    return { hits: found, facets: await listDocumentFacets(tx, tenantId) };
  });

  return (
    <div className="flex flex-col gap-6">
      <div>
        <Link href="/dashboard/knowledge" className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">← Knowledge</Link>
        <h1 className="mt-2 text-2xl font-semibold">Search playground</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          What the assistant would retrieve for a question: the best passages of a meaning search ({embedder.model}
          {embedder.lexical ? ', lexical' : ''}) and a keyword search (BM25), fused by score, at most one passage per section
          before any second one, and only passages that clear the relevance floor.
        </p>
      </div>
      <Card>
        <form className="grid gap-3 sm:grid-cols-[1fr_10rem_10rem_auto]" role="search">
          <label className="sr-only" htmlFor="search-q">Question</label>
          <input id="search-q" name="q" defaultValue={query.q} placeholder="Ask what a visitor would ask…" className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-700 dark:bg-slate-900" />
          <FilterSelect id="search-category" name="category" label="Category" anyLabel="Any category" options={facets.categories} value={query.category} />
          <FilterSelect id="search-tag" name="tag" label="Tag" anyLabel="Any tag" options={facets.tags} value={query.tag} />
          <button type="submit" className="rounded-md bg-indigo-600 px-4 py-2 text-sm font-medium text-white hover:bg-indigo-500">Search</button>
        </form>
      </Card>
      {query.q && (
        <Card
          title={hits.length ? `${hits.length} passages` : 'Nothing found'}
          description={hits.length ? undefined : 'No passage clears the relevance floor: the assistant would say it does not know. Try other words, remove the filters, or add the answer to your knowledge.'}
        >
          <ol className="flex flex-col gap-3" aria-label="Results">
            {hits.map((hit, index) => (
              <li key={hit.chunkId} className="rounded-lg border border-slate-200 p-4 dark:border-slate-800" data-testid="search-hit">
                <div className="flex flex-wrap items-baseline justify-between gap-2">
                  <p className="font-medium">
                    {index + 1}.{' '}
                    <Link href={`/dashboard/knowledge/${hit.documentId}`} className="hover:underline">{hit.title}</Link>
                    {hit.headingPath.length > 0 && <span className="text-sm font-normal text-slate-500"> · {hit.headingPath.join(' › ')}</span>}
                  </p>
                  <p className="text-xs text-slate-500 tabular-nums">
                    meaning {hit.vectorRank ? `#${hit.vectorRank} (similarity ${hit.vectorSimilarity!.toFixed(2)})` : '—'} · keyword{' '}
                    {hit.textRank ? `#${hit.textRank} (BM25 ${hit.lexicalScore!.toFixed(2)}, strength ${hit.lexicalStrength!.toFixed(2)})` : '—'} · fused{' '}
                    {hit.score.toFixed(3)}
                  </p>
                </div>
                <p className="mt-2 text-sm whitespace-pre-wrap">{hit.content}</p>
              </li>
            ))}
          </ol>
        </Card>
      )}
    </div>
  );
}
