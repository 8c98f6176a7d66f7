import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { chunkMarkdown, markdownTitle } from '@/lib/knowledge/chunking';
import { embeddingText } from '@/lib/knowledge/ingest';

// Deterministic pseudo-random documents so the properties are checked on many shapes.
function randomDocument(seed: number): string {
  let state = seed;
  const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const words = ['widget', 'refund', 'delivery', 'warranty', 'customer', 'invoice', 'support', 'account', 'billing', 'shipping'];
  const sentence = () => Array.from({ length: 4 + Math.floor(next() * 20) }, () => words[Math.floor(next() * words.length)]).join(' ') + '.';
  const blocks: string[] = [];
  for (let i = 0; i < 5 + next() * 30; i++) {
    const kind = next();
    if (kind < 0.15) blocks.push(`${'#'.repeat(1 + Math.floor(next() * 3))} Heading ${i}`);
    else if (kind < 0.3) blocks.push(Array.from({ length: 2 + Math.floor(next() * 5) }, () => `- ${sentence()}`).join('\n'));
    else if (kind < 0.35) blocks.push(Array.from({ length: 200 }, sentence).join(' '));
    else blocks.push(Array.from({ length: 1 + Math.floor(next() * 6) }, sentence).join(' '));
  }
  return blocks.join('\n\n');
}

const normalize = (text: string) => text.replace(/^#{1,6} .*$/gm, '').replace(/\s+/g, ' ').trim();

describe('chunking properties', () => {
  const options = { maxTokens: 120, overlapTokens: 30 };

  it.each(Array.from({ length: 25 }, (_, i) => i + 1))('holds for random document %i', (seed) => {
    const document = randomDocument(seed);
    const chunks = chunkMarkdown(document, options);
    expect(chunks.length).toBeGreaterThan(0);
    // No chunk over the limit, and its recorded size is its real size.
    for (const chunk of chunks) {
      expect(chunk.tokenCount).toBeLessThanOrEqual(options.maxTokens);
      expect(chunk.tokenCount).toBe(countTokens(chunk.content));
      expect(chunk.overlapTokens).toBeLessThanOrEqual(options.overlapTokens);
    }
    // No text lost: every word of the body appears, in order, once the overlaps are removed.
    const bodyWords = normalize(document).split(' ');
    const covered = normalize(chunks.map((chunk) => chunk.content).join(' ')).split(' ');
    let position = 0;
    for (const word of covered) if (word === bodyWords[position]) position++;
    expect(position).toBe(bodyWords.length);
  });

  it('starts a chunk with the end of the previous one when they share a section', () => {
    const paragraphs = Array.from({ length: 12 }, (_, i) => `Paragraph ${i} says something about the refund rules for order type ${i}.`);
    const chunks = chunkMarkdown(`# Refunds\n\n${paragraphs.join('\n\n')}`, { maxTokens: 60, overlapTokens: 20 });
    expect(chunks.length).toBeGreaterThan(2);
    for (let i = 1; i < chunks.length; i++) {
      const previousLast = chunks[i - 1]!.content.split('\n\n').at(-1)!;
      expect(chunks[i]!.content.startsWith(previousLast)).toBe(true);
      expect(chunks[i]!.overlapTokens).toBeGreaterThan(0);
    }
  });

  it('keeps the heading path of each chunk and never overlaps across sections', () => {
    const chunks = chunkMarkdown('# Guide\n\n## Setup\n\nInstall it.\n\n## Billing\n\nPay monthly.', options);
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      ['Guide', 'Setup'],
      ['Guide', 'Billing'],
    ]);
    expect(chunks[1]!.overlapTokens).toBe(0);
  });

  it('cuts a long run without spaces (base64, minified code) into chunks that fit', () => {
    const blob = 'QUJD'.repeat(20_000);
    const chunks = chunkMarkdown(`# Attachment\n\n${blob}\n\nThe end.`, options);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) expect(chunk.tokenCount).toBeLessThanOrEqual(options.maxTokens);
    expect(chunks.map((chunk) => chunk.content).join('').replace(/\s+/g, '')).toContain(blob);
    expect(chunks.at(-1)!.content).toContain('The end.');
  });
});

describe('chunking structure', () => {
  const options = { maxTokens: 400, overlapTokens: 60 };

  it('reads `#` comments inside fenced code as code, not as headings, and keeps a fence whole', () => {
    const markdown = [
      '# SDK guide',
      '## Subscribing',
      '```python',
      '# Create the client once',
      'client = Client()',
      '',
      '## not a heading either',
      'client.subscribe("orders")',
      '```',
      'Events arrive as dictionaries.',
      '## Logging',
      'Use the quill logger.',
    ].join('\n\n');
    const chunks = chunkMarkdown(markdown, options);
    expect(chunks.map((chunk) => chunk.headingPath)).toEqual([
      ['SDK guide', 'Subscribing'],
      ['SDK guide', 'Logging'],
    ]);
    expect(chunks[0]!.content).toContain('# Create the client once');
    expect(chunks[0]!.content).toContain('## not a heading either\n\nclient.subscribe("orders")');
  });

  it('merges tiny sections with their neighbours, keeping their headings as lines', () => {
    const markdown = '# Glossary\n\n## Channel\n\nA named stream.\n\n## Fan-out\n\nOne event to every subscriber.\n\n## Presence\n\nWho is connected right now, announced to every subscriber of the channel as members join and leave.';
    const chunks = chunkMarkdown(markdown, { ...options, minSectionTokens: 16 });
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.headingPath).toEqual(['Glossary']);
    expect(chunks[0]!.content).toBe(
      '## Channel\nA named stream.\n\n## Fan-out\nOne event to every subscriber.\n\n## Presence\nWho is connected right now, announced to every subscriber of the channel as members join and leave.',
    );
    // Sections of a fair size stay apart.
    const sized = chunkMarkdown(markdown, { ...options, minSectionTokens: 4 });
    expect(sized.map((chunk) => chunk.headingPath.at(-1))).toEqual(['Channel', 'Fan-out', 'Presence']);
  });

  it('never merges a tiny section into a large one it would not fit with', () => {
    const long = Array.from({ length: 60 }, (_, i) => `Sentence ${i} about retention.`).join(' ');
    const chunks = chunkMarkdown(`# Doc\n\n## Short\n\nTiny.\n\n## Long\n\n${long}`, { maxTokens: 120, overlapTokens: 0, minSectionTokens: 16 });
    expect(chunks[0]!.headingPath).toEqual(['Doc', 'Short']);
    expect(chunks.slice(1).every((chunk) => chunk.headingPath.at(-1) === 'Long')).toBe(true);
  });

  it('takes a markdown title from its first line, and puts the title in the embedded text', () => {
    expect(markdownTitle('\n# Python SDK\n\nText')).toBe('Python SDK');
    expect(markdownTitle('Intro\n\n# Later')).toBeUndefined();
    expect(embeddingText('Python SDK', ['Python SDK', 'Logging'], 'Use the logger.')).toBe('Python SDK > Logging\nUse the logger.');
    expect(embeddingText('Refund policy', [], 'Refunds within 14 days.')).toBe('Refund policy\nRefunds within 14 days.');
  });
});
