import { countTokens } from 'gpt-tokenizer';
import { describe, expect, it } from 'vitest';
import { chunkMarkdown } from '@/lib/knowledge/chunking';

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
