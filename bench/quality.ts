// `npm run bench -- quality`: the labelled retrieval set (tests/fixtures/retrieval-set) through
// the app's upload path and searchKnowledge with the offline default embedder, next to a plain
// BM25 over whole sections. Prints the full table and every miss.
import type { Database } from '../db/client';
import type { RetrievalMetrics } from '../lib/evaluation/metrics';
import { localEmbedder } from '../lib/knowledge/embedders';
import { indexLabelledSet, loadLabelledSet, runRetrieval, runSectionBaseline } from '../tests/fixtures/retrieval-set/harness';

const format = (value: number | null) => (value === null ? '   –  ' : value.toFixed(3).padStart(6));

function row(label: string, metrics: RetrievalMetrics) {
  console.log(
    `| ${label.padEnd(44)} | ${format(metrics.recallAt3)} | ${format(metrics.recallAt5)} | ${format(metrics.mrr)} | ${format(metrics.noAnswerPrecision)} | ${format(metrics.noAnswerRecall)} |`,
  );
}

export async function benchQuality(db: Database) {
  const set = loadLabelledSet();
  const answerable = set.questions.filter((question) => question.doc).length;
  console.log(
    `\n## Retrieval quality (labelled set: ${set.files.length} documents, ${answerable} answerable + ${set.questions.length - answerable} unanswerable questions; offline local embedder)`,
  );
  const started = performance.now();
  const indexed = await indexLabelledSet(db, localEmbedder);
  console.log(`indexed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const { metrics, outcomes } = await runRetrieval(indexed, localEmbedder);
  const baseline = await runSectionBaseline(db, indexed);
  console.log('\n| pipeline                                     | rec@3  | rec@5  |  MRR   | NA-prec| NA-rec |');
  console.log('| -------------------------------------------- | ------ | ------ | ------ | ------ | ------ |');
  row('searchKnowledge (hybrid, offline default)', metrics);
  row('BM25 over whole sections (k1 1.2, b 0.75)', baseline);
  const misses = outcomes.filter((outcome) =>
    outcome.judgement.answerable ? (outcome.judgement.firstRelevantRank ?? 99) > 3 : outcome.judgement.returned > 0,
  );
  console.log(`\nNot in the top 3, or answered although unanswerable (${misses.length}):`);
  for (const { question, hits, judgement } of misses) {
    const expected = question.doc ? `${question.doc} › ${question.section ?? '*'}` : 'no answer';
    console.log(`- "${question.q}" (expected ${expected}; rank ${judgement.firstRelevantRank ?? '–'})`);
    for (const hit of hits.slice(0, 3)) console.log(`    ${hit.file} › ${hit.headingPath.join(' › ')}`);
  }
  return { metrics, baseline };
}
