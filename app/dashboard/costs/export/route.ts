import { type CostEventExportRow, listCostEventsForExport } from '@/db/queries/costs';
import { TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { csvCell } from '@/lib/csv';
import { parseCostQuery } from '@/lib/costs/range';

export const dynamic = 'force-dynamic';

// Streams every cost event of the range as CSV, a page at a time (keyset on occurred_at, id),
// each page in its own short tenant transaction, so a large export neither holds a
// transaction open while the client downloads nor loads everything into memory.

const PAGE_SIZE = 5000;
const COLUMNS: Array<[header: string, value: (row: CostEventExportRow) => string | number | null]> = [
  ['occurred_at', (row) => row.occurredAt],
  ['service', (row) => row.service],
  ['provider', (row) => row.provider],
  ['model', (row) => row.model],
  ['input_tokens', (row) => row.inputTokens],
  ['output_tokens', (row) => row.outputTokens],
  ['units', (row) => row.units],
  ['unit', (row) => row.unit],
  ['cost_usd', (row) => row.costUsd],
  ['price_version', (row) => row.priceVersion],
  ['session_id', (row) => row.sessionId],
  ['external_id', (row) => row.externalId],
  ['event_id', (row) => row.id],
];

const csvLine = (cells: Array<string | number | null>) => `${cells.map(csvCell).join(',')}\r\n`;

export async function GET(request: Request) {
  const session = await getCurrentSession();
  if (!session) return Response.json({ message: 'Sign in to export costs.' }, { status: 401 });
  const query = parseCostQuery(Object.fromEntries(new URL(request.url).searchParams));
  const encoder = new TextEncoder();
  let after: { occurredAt: string; id: string } | undefined;

  const readPage = () => withTenant(session, (tx, { tenantId }) => listCostEventsForExport(tx, tenantId, query.range, after, PAGE_SIZE));
  // The first page is read before answering, so a removed member gets a 403, not an empty file.
  let page: CostEventExportRow[];
  try {
    page = await readPage();
  } catch (error) {
    if (error instanceof TenantAccessError) return Response.json({ message: error.message }, { status: 403 });
    throw error;
  }

  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(csvLine(COLUMNS.map(([header]) => header))));
    },
    async pull(controller) {
      if (page.length === 0) {
        controller.close();
        return;
      }
      controller.enqueue(encoder.encode(page.map((row) => csvLine(COLUMNS.map(([, value]) => value(row)))).join('')));
      if (page.length < PAGE_SIZE) {
        page = [];
        return;
      }
      const last = page[page.length - 1]!;
      after = { occurredAt: last.occurredAt, id: last.id };
      page = await readPage();
    },
  });
  return new Response(stream, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="costs-${query.from}-to-${query.to}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
}
