import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as evaluation from '@/app/dashboard/evaluation/mutations';
import { closeDatabase, type Database, getDatabase } from '@/db/client';
import { evaluationQuestions } from '@/db/schema';
import { CsvSyntaxError, parseCsv } from '@/lib/csv';
import { MAX_IMPORT_ROWS, parseQuestionsCsv } from '@/lib/evaluation/questions';
import { createTeam, type Team } from '../helpers/team';

const DOCUMENTS = [
  { id: '11111111-1111-4111-8111-111111111111', title: 'Returns' },
  { id: '22222222-2222-4222-8222-222222222222', title: 'Shipping policy' },
];

describe('CSV parsing', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, CRLF, a BOM, and skips blank lines', () => {
    const rows = parseCsv('\uFEFFquestion,expected_answer\r\n"Do you ship to Paris, France?","Yes, ""express"" too\nin 2 days"\r\n\r\nplain,cell\n');
    expect(rows).toEqual([
      { line: 1, cells: ['question', 'expected_answer'] },
      { line: 2, cells: ['Do you ship to Paris, France?', 'Yes, "express" too\nin 2 days'] },
      { line: 5, cells: ['plain', 'cell'] },
    ]);
  });

  it('refuses a stray quote and an unclosed quoted field, saying where', () => {
    expect(() => parseCsv('question\nWhat is "this"?\n')).toThrow(new CsvSyntaxError('Line 2: a quote inside an unquoted field. Put the whole field in quotes and double the quotes inside it ("").'));
    expect(() => parseCsv('question\n"never closed\n')).toThrow('Line 2: a quoted field is never closed.');
  });
});

describe('test questions from a CSV', () => {
  it('maps columns in any order, titles to documents (case-insensitive, several with |), sections and yes/no', () => {
    const csv = [
      'Unanswerable,Expected Documents,Question,expected_section,expected_answer',
      'no,returns | Shipping policy,How long do I have to return an order?,Time limits,30 days',
      'yes,,What is the capital of France?,,',
      ',,Is there a warranty?,,Two years',
    ].join('\n');
    const { questions, errors } = parseQuestionsCsv(csv, DOCUMENTS);
    expect(errors).toEqual([]);
    expect(questions).toEqual([
      {
        question: 'How long do I have to return an order?',
        expectedAnswer: '30 days',
        expectedSources: [
          { documentId: DOCUMENTS[0]!.id, title: 'Returns', section: 'Time limits' },
          { documentId: DOCUMENTS[1]!.id, title: 'Shipping policy', section: 'Time limits' },
        ],
        unanswerable: false,
      },
      { question: 'What is the capital of France?', expectedAnswer: null, expectedSources: [], unanswerable: true },
      { question: 'Is there a warranty?', expectedAnswer: 'Two years', expectedSources: [], unanswerable: false },
    ]);
  });

  it('reports every bad row by its row number and keeps none of the good ones', () => {
    const csv = [
      'question,expected_documents,expected_answer,unanswerable,expected_section',
      'Good question?,Returns,,no,',
      'Hi,,,no,',
      'What about gift cards?,Gift cards,,no,',
      'Why is the sky blue?,,,,',
      'Capital of France?,Returns,,yes,',
      'Good question?,Returns,,no,',
      'Is it open on Sunday?,,,maybe,',
      'Where is the section?,,,no,Opening hours',
      'Too,many,cells,no,,extra',
    ].join('\n');
    const { questions, errors } = parseQuestionsCsv(csv, DOCUMENTS);
    expect(questions).toEqual([]);
    expect(errors).toEqual([
      'Row 3: question: Write the question (at least 3 characters); Say what should come back: the documents that answer it, the expected answer, or mark it unanswerable.',
      'Row 4: no document in your knowledge is titled "Gift cards".',
      'Row 5: Say what should come back: the documents that answer it, the expected answer, or mark it unanswerable.',
      'Row 6: An unanswerable question cannot also have expected documents or an expected answer.',
      'Row 7: the same question is in the file twice.',
      'Row 8: unanswerable: write yes or no, not "maybe"; Say what should come back: the documents that answer it, the expected answer, or mark it unanswerable.',
      'Row 9: A section needs the document it is in.',
      'Row 10: it has 6 cells but the header names 5 columns (quote cells that contain commas); no document in your knowledge is titled "many".',
    ]);
  });

  it('refuses files it cannot read as a whole: no header, unknown or repeated columns, no rows, too many rows', () => {
    expect(parseQuestionsCsv('', DOCUMENTS).errors).toEqual(['The file is empty.']);
    expect(parseQuestionsCsv('What is the capital of France?\n', DOCUMENTS).errors[0]).toMatch(/^Unknown column "what_is_the_capital_of_france\?"/);
    expect(parseQuestionsCsv('question,answer\nWhy?,Because\n', DOCUMENTS).errors).toEqual([
      'Unknown column "answer": the columns are question, expected_answer, expected_documents, expected_section, unanswerable.',
    ]);
    expect(parseQuestionsCsv('question,question\n', DOCUMENTS).errors).toEqual(['The column "question" appears twice.']);
    expect(parseQuestionsCsv('expected_answer\nYes\n', DOCUMENTS).errors[0]).toMatch(/must name the columns, including "question"/);
    expect(parseQuestionsCsv('question\n', DOCUMENTS).errors).toEqual(['The file has a header row but no questions.']);
    const many = `question,unanswerable\n${Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => `Question ${i}?,yes`).join('\n')}`;
    expect(parseQuestionsCsv(many, DOCUMENTS).errors).toEqual([`At most ${MAX_IMPORT_ROWS} questions per file; this one has ${MAX_IMPORT_ROWS + 1}.`]);
  });
});

describe('importing into a test set', () => {
  let db: Database;
  let team: Team;
  beforeAll(async () => {
    ({ db } = await getDatabase());
    team = await createTeam(db);
  });
  afterAll(closeDatabase);

  const questionsOfSet = () => db.select().from(evaluationQuestions).where(eq(evaluationQuestions.setId, team.evaluationSetId));
  const upload = (text: string) =>
    evaluation.importQuestions.run({ userId: team.users.admin, tenantId: team.tenantId }, { setId: team.evaluationSetId, file: new File([text], 'questions.csv', { type: 'text/csv' }) });

  it('imports nothing when any row is bad, and lists every bad row under the file field', async () => {
    const before = await questionsOfSet();
    const state = await upload('question,expected_documents,unanswerable\nHow long do returns take?,Returns,no\nDo you sell gift cards?,Gift cards,no\nWhat is the capital of France?,,yes\n');
    expect(state).toMatchObject({
      status: 'error',
      code: 'invalid',
      message: 'Nothing was imported: some rows have problems. Fix them and import the file again.',
      fieldErrors: { file: ['Row 2: this test set already has this question.', 'Row 3: no document in your knowledge is titled "Gift cards".'] },
    });
    expect(await questionsOfSet()).toEqual(before);
  });

  it('imports a good file, matching titles to the workspace’s documents', async () => {
    const state = await upload('question,expected_documents,expected_section,unanswerable\nCan I return sale items?,RETURNS,Returns,no\nWhat is the capital of France?,,,yes\n');
    expect(state).toMatchObject({ status: 'success', message: '2 questions imported.' });
    const imported = (await questionsOfSet()).filter((question) => question.origin === 'import');
    expect(imported.map((question) => [question.question, question.unanswerable, question.expectedSources])).toEqual([
      ['Can I return sale items?', false, [{ documentId: team.documentId, title: 'Returns', section: 'Returns' }]],
      ['What is the capital of France?', true, []],
    ]);
  });

  it('refuses an empty file and one over the size limit before reading it', async () => {
    expect(await upload('')).toMatchObject({ status: 'error', fieldErrors: { file: ['Choose a CSV file (this one is empty).'] } });
    expect(await upload('x'.repeat(600 * 1024))).toMatchObject({ status: 'error', fieldErrors: { file: ['At most 512 KB per file.'] } });
  });
});
