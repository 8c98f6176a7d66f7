import Link from 'next/link';
import type { EvaluationResult } from '@/db/schema';
import { score } from './display';

// One question's outcome in a run: what came back, what was answered, and how the judge saw it.

const ANSWER_STATUS_LABELS = { grounded: 'cites the passages', no_match: 'no passage matched', uncited: 'cites nothing' } as const;

export function ResultSummary({ result }: { result: EvaluationResult }) {
  const parts: string[] = [];
  if (result.status === 'pending') return <span className="text-xs text-slate-500">Waiting…</span>;
  if (result.status === 'error') return <span className="text-xs text-red-700 dark:text-red-300">Error: {result.error}</span>;
  if (result.unanswerable) parts.push(result.passages.length ? `${result.passages.length} passages came back` : 'no passage came back');
  else if (result.expectedSources.length) parts.push(result.firstRelevantRank ? `right passage at rank ${result.firstRelevantRank}` : 'right passage not found');
  if (result.answerStatus) parts.push(`answer ${ANSWER_STATUS_LABELS[result.answerStatus]}`);
  if (result.faithfulness !== null) parts.push(`faithfulness ${score(result.faithfulness)}`);
  if (result.citationCorrectness !== null) parts.push(`citations ${score(result.citationCorrectness)}`);
  if (result.answerCorrectness !== null) parts.push(`expected answer ${score(result.answerCorrectness)}`);
  return <span className="text-xs text-slate-600 dark:text-slate-400">{parts.join(' · ')}</span>;
}

export function ResultDetails({ result }: { result: EvaluationResult }) {
  return (
    <div className="mt-3 grid gap-4 text-sm lg:grid-cols-2">
      <div>
        <h4 className="text-xs font-semibold text-slate-500 uppercase">Expected</h4>
        <p className="mt-1">
          {result.unanswerable
            ? 'Nothing: the knowledge does not cover it.'
            : [
                result.expectedSources.length ? `Passages from ${result.expectedSources.map((source) => source.title + (source.section ? ` › ${source.section}` : '')).join(' or ')}` : '',
                result.expectedAnswer ? `Answer: “${result.expectedAnswer}”` : '',
              ]
                .filter(Boolean)
                .join('. ')}
        </p>
        <h4 className="mt-3 text-xs font-semibold text-slate-500 uppercase">Retrieved passages</h4>
        {result.passages.length === 0 ? (
          <p className="mt-1 text-slate-600 dark:text-slate-400">None cleared the relevance floor.</p>
        ) : (
          <ol className="mt-1 list-decimal space-y-2 pl-5">
            {result.passages.map((passage) => (
              <li key={passage.chunkId} className={passage.relevant ? 'marker:text-emerald-600' : ''}>
                <Link href={`/dashboard/knowledge/${passage.documentId}`} className="font-medium hover:underline">
                  {[passage.title, ...passage.headingPath.filter((heading) => heading !== passage.title)].join(' › ')}
                </Link>
                {passage.relevant && <span className="ml-2 rounded bg-emerald-100 px-1 text-xs text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300">expected</span>}
                <p className="text-xs text-slate-600 dark:text-slate-400">{passage.excerpt}</p>
              </li>
            ))}
          </ol>
        )}
      </div>
      <div>
        {result.answer !== null && (
          <>
            <h4 className="text-xs font-semibold text-slate-500 uppercase">Answer</h4>
            <p className="mt-1 whitespace-pre-wrap" data-testid="result-answer">{result.answer}</p>
          </>
        )}
        {result.judge && (
          <>
            <h4 className="mt-3 text-xs font-semibold text-slate-500 uppercase">Judge</h4>
            <ul className="mt-1 space-y-1">
              {result.judge.statements.map((statement) => (
                <li key={statement.id} className="flex gap-2">
                  <span aria-hidden="true">{!statement.claim ? '·' : statement.supported ? '✓' : '✗'}</span>
                  <span>
                    {statement.text}
                    <span className="sr-only">{!statement.claim ? ' (not a claim)' : statement.supported ? ' (supported)' : ' (not supported)'}</span>
                    {statement.cites.length > 0 && (
                      <span className={`ml-1 text-xs ${statement.citationsSupport === false ? 'text-red-700 dark:text-red-300' : 'text-slate-500'}`}>
                        {statement.citationsSupport === false ? 'citation does not support it' : statement.citationsSupport ? 'citation supports it' : ''}
                      </span>
                    )}
                  </span>
                </li>
              ))}
            </ul>
            <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
              {result.judge.declined ? 'The answer declines. ' : ''}
              {result.judge.matchesExpected ? `Expected answer given: ${result.judge.matchesExpected}. ` : ''}
              {result.judge.reason}
            </p>
          </>
        )}
        {result.error && <p className="mt-2 text-red-700 dark:text-red-300">{result.error}</p>}
      </div>
    </div>
  );
}
