import { z } from 'zod';
import { getEvaluationSet, listActiveQuestions } from '@/db/queries/evaluation';
import { TenantAccessError, withTenant } from '@/db/withTenant';
import { getCurrentSession } from '@/lib/auth/session';
import { csvCell } from '@/lib/csv';
import { IMPORT_COLUMNS } from '@/lib/evaluation/questions';

// A test set as the CSV the import reads, so a set can be edited in a spreadsheet and imported
// into another set (or workspace, where documents of the same titles exist).
export async function GET(_request: Request, { params }: { params: Promise<{ setId: string }> }) {
  const session = await getCurrentSession();
  if (!session) return Response.json({ message: 'Sign in to export.' }, { status: 401 });
  const setId = z.uuid().safeParse((await params).setId);
  if (!setId.success) return Response.json({ message: 'Unknown test set.' }, { status: 404 });
  try {
    const exported = await withTenant(session, async (tx, { tenantId }) => {
      const set = await getEvaluationSet(tx, tenantId, setId.data);
      return set && { set, questions: await listActiveQuestions(tx, tenantId, set.id) };
    });
    if (!exported) return Response.json({ message: 'Unknown test set.' }, { status: 404 });
    const lines = [
      IMPORT_COLUMNS.join(','),
      ...exported.questions.map((question) =>
        [
          question.question,
          question.expectedAnswer,
          [...new Set(question.expectedSources.map((source) => source.title))].join(' | '),
          question.expectedSources[0]?.section,
          question.unanswerable ? 'yes' : 'no',
        ]
          .map(csvCell)
          .join(','),
      ),
    ];
    const fileName = `${exported.set.name.replace(/[^\w.-]+/g, '-').slice(0, 60) || 'test-set'}.csv`;
    return new Response(`${lines.join('\r\n')}\r\n`, {
      headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${fileName}"`, 'cache-control': 'no-store' },
    });
  } catch (error) {
    if (error instanceof TenantAccessError) return Response.json({ message: 'You are no longer a member of this workspace.' }, { status: 403 });
    throw error;
  }
}
