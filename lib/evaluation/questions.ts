import { z } from 'zod';
import type { ExpectedSource } from '@/db/schema';
import { CsvSyntaxError, parseCsv } from '@/lib/csv';

// What a test question is allowed to be, for the dashboard form and the CSV import alike.

export const QUESTION_LIMITS = { questionMin: 3, questionMax: 1000, answerMax: 2000, sectionMax: 200, documentsMax: 10 };
export const MAX_IMPORT_ROWS = 500;
export const MAX_IMPORT_BYTES = 512 * 1024;

export type QuestionDraft = { question: string; expectedAnswer: string | null; expectedSources: ExpectedSource[]; unanswerable: boolean };

/** Why a question's expectation is unusable, or null: it needs passages, an answer, or "unanswerable", never both kinds. */
export function expectationProblem(draft: { unanswerable: boolean; expectedAnswer: string | null; documentCount: number; section: string | null }): string | null {
  if (draft.unanswerable && (draft.expectedAnswer || draft.documentCount)) return 'An unanswerable question cannot also have expected documents or an expected answer.';
  if (draft.section && !draft.documentCount) return 'A section needs the document it is in.';
  if (!draft.unanswerable && !draft.expectedAnswer && !draft.documentCount) {
    return 'Say what should come back: the documents that answer it, the expected answer, or mark it unanswerable.';
  }
  return null;
}

export const questionText = z
  .string()
  .trim()
  .min(QUESTION_LIMITS.questionMin, 'Write the question (at least 3 characters).')
  .max(QUESTION_LIMITS.questionMax, `At most ${QUESTION_LIMITS.questionMax.toLocaleString('en-US')} characters.`);
export const expectedAnswerText = z
  .string()
  .trim()
  .max(QUESTION_LIMITS.answerMax, `At most ${QUESTION_LIMITS.answerMax.toLocaleString('en-US')} characters.`)
  .default('')
  .transform((value) => value || null);
export const sectionText = z
  .string()
  .trim()
  .max(QUESTION_LIMITS.sectionMax, `At most ${QUESTION_LIMITS.sectionMax} characters.`)
  .default('')
  .transform((value) => value || null);

const TRUE_WORDS = new Set(['yes', 'y', 'true', '1', 'x']);
const FALSE_WORDS = new Set(['no', 'n', 'false', '0', '']);

export const IMPORT_COLUMNS = ['question', 'expected_answer', 'expected_documents', 'expected_section', 'unanswerable'] as const;
type ImportColumn = (typeof IMPORT_COLUMNS)[number];

/** Shown errors are capped; the count of the rest is given. */
const MAX_REPORTED_ERRORS = 30;

/**
 * Questions from a CSV with a header row (columns in any order; only `question` required;
 * several expected documents separated by `|`, named by title). Every bad row is reported by
 * its row number; the questions are only usable when there is no error at all.
 */
export function parseQuestionsCsv(
  text: string,
  documents: Array<{ id: string; title: string }>,
  existingQuestions: Set<string> = new Set(),
): { questions: QuestionDraft[]; errors: string[] } {
  let rows: ReturnType<typeof parseCsv>;
  try {
    rows = parseCsv(text);
  } catch (error) {
    if (error instanceof CsvSyntaxError) return { questions: [], errors: [error.message] };
    throw error;
  }
  const [header, ...body] = rows;
  if (!header) return { questions: [], errors: ['The file is empty.'] };
  const names = header.cells.map((cell) => cell.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  const unknown = names.filter((name) => !IMPORT_COLUMNS.includes(name as ImportColumn));
  if (unknown.length) {
    return { questions: [], errors: [`Unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((name) => `"${name}"`).join(', ')}: the columns are ${IMPORT_COLUMNS.join(', ')}.`] };
  }
  const repeated = names.filter((name, index) => names.indexOf(name) !== index);
  if (repeated.length) return { questions: [], errors: [`The column "${repeated[0]}" appears twice.`] };
  if (!names.includes('question')) return { questions: [], errors: [`The first row must name the columns, including "question" (the columns are ${IMPORT_COLUMNS.join(', ')}).`] };
  if (body.length === 0) return { questions: [], errors: ['The file has a header row but no questions.'] };
  if (body.length > MAX_IMPORT_ROWS) return { questions: [], errors: [`At most ${MAX_IMPORT_ROWS} questions per file; this one has ${body.length}.`] };

  const byTitle = new Map<string, Array<{ id: string; title: string }>>();
  for (const document of documents) {
    const key = document.title.trim().toLowerCase();
    byTitle.set(key, [...(byTitle.get(key) ?? []), document]);
  }
  const seen = new Set<string>();
  const questions: QuestionDraft[] = [];
  const errors: string[] = [];
  for (const row of body) {
    const problems: string[] = [];
    if (row.cells.length > names.length) problems.push(`it has ${row.cells.length} cells but the header names ${names.length} columns (quote cells that contain commas)`);
    const cell = (name: ImportColumn) => {
      const index = names.indexOf(name);
      return index === -1 ? '' : (row.cells[index] ?? '');
    };
    const question = questionText.safeParse(cell('question'));
    if (!question.success) problems.push(`question: ${question.error.issues[0]!.message}`);
    const expectedAnswer = expectedAnswerText.safeParse(cell('expected_answer'));
    if (!expectedAnswer.success) problems.push(`expected_answer: ${expectedAnswer.error.issues[0]!.message}`);
    const section = sectionText.safeParse(cell('expected_section'));
    if (!section.success) problems.push(`expected_section: ${section.error.issues[0]!.message}`);
    const flag = cell('unanswerable').trim().toLowerCase();
    if (!TRUE_WORDS.has(flag) && !FALSE_WORDS.has(flag)) problems.push(`unanswerable: write yes or no, not "${flag}"`);
    const titles = cell('expected_documents')
      .split('|')
      .map((title) => title.trim())
      .filter(Boolean);
    if (titles.length > QUESTION_LIMITS.documentsMax) problems.push(`expected_documents: at most ${QUESTION_LIMITS.documentsMax} documents`);
    const sources: ExpectedSource[] = [];
    for (const title of titles) {
      const matches = byTitle.get(title.toLowerCase());
      if (!matches) problems.push(`no document in your knowledge is titled "${title}"`);
      else for (const match of matches) sources.push({ documentId: match.id, title: match.title, ...(section.data ? { section: section.data } : {}) });
    }
    if (expectedAnswer.success && section.success) {
      const problem = expectationProblem({ unanswerable: TRUE_WORDS.has(flag), expectedAnswer: expectedAnswer.data, documentCount: titles.length, section: section.data });
      if (problem) problems.push(problem);
    }
    if (question.success) {
      const key = question.data.toLowerCase();
      if (seen.has(key)) problems.push('the same question is in the file twice');
      else if (existingQuestions.has(key)) problems.push('this test set already has this question');
      seen.add(key);
    }
    if (problems.length) {
      errors.push(`Row ${row.line}: ${problems.map((problem) => problem.replace(/\.$/, '')).join('; ')}.`);
      continue;
    }
    questions.push({ question: question.data!, expectedAnswer: expectedAnswer.data!, expectedSources: sources, unanswerable: TRUE_WORDS.has(flag) });
  }
  if (errors.length > MAX_REPORTED_ERRORS) {
    const rest = errors.length - MAX_REPORTED_ERRORS;
    errors.splice(MAX_REPORTED_ERRORS, rest, `…and ${rest} more row${rest === 1 ? '' : 's'} with problems.`);
  }
  return { questions: errors.length ? [] : questions, errors };
}
