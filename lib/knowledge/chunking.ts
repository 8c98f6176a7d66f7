import { countTokens } from 'gpt-tokenizer';

export type Chunk = { content: string; headingPath: string[]; tokenCount: number; overlapTokens: number };

export type ChunkOptions = { maxTokens: number; overlapTokens: number };

type Block = { text: string; headingPath: string[]; tokens: number };

/**
 * The longest run of non-space characters kept whole. URLs and identifiers fit; longer runs are
 * blobs (base64, minified code) that the tokenizer counts in time growing with the square of
 * their length: one 250,000-character run took 21 s and came out as a single oversized chunk.
 */
const LONGEST_UNBROKEN_RUN = 200;

function breakLongRuns(text: string): string {
  return text.replace(new RegExp(`\\S{${LONGEST_UNBROKEN_RUN + 1},}`, 'g'), (run) =>
    run.match(new RegExp(`\\S{1,${LONGEST_UNBROKEN_RUN}}`, 'g'))!.join(' '),
  );
}

// Splits markdown into blocks (paragraphs, lists, tables) that remember the headings above them.
function toBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const headings: string[] = [];
  for (const raw of markdown.replace(/\r\n?/g, '\n').split(/\n{2,}/)) {
    const text = raw.trim();
    if (!text) continue;
    const heading = /^(#{1,6})\s+(.+)$/.exec(text.split('\n')[0]!);
    if (heading) {
      headings.length = heading[1]!.length - 1;
      headings[heading[1]!.length - 1] = heading[2]!.trim();
      const rest = text.split('\n').slice(1).join('\n').trim();
      if (rest) blocks.push({ text: rest, headingPath: headings.filter(Boolean), tokens: countTokens(rest) });
      continue;
    }
    blocks.push({ text, headingPath: headings.filter(Boolean), tokens: countTokens(text) });
  }
  return blocks;
}

// A block too large for one chunk is cut at sentence, then word boundaries.
function splitOversized(block: Block, maxTokens: number): Block[] {
  if (block.tokens <= maxTokens) return [block];
  const pieces: Block[] = [];
  let current = '';
  for (const unit of block.text.match(/[^.!?\n]+[.!?]*\s*|\n/g) ?? [block.text]) {
    const candidate = current + unit;
    if (countTokens(candidate) <= maxTokens) {
      current = candidate;
      continue;
    }
    if (current.trim()) pieces.push({ ...block, text: current.trim(), tokens: countTokens(current.trim()) });
    current = unit;
    while (countTokens(current) > maxTokens) {
      const words = current.split(/(\s+)/);
      let head = '';
      while (words.length && countTokens(head + words[0]) <= maxTokens) head += words.shift();
      if (!head) head = words.shift() ?? '';
      pieces.push({ ...block, text: head.trim(), tokens: countTokens(head.trim()) });
      current = words.join('');
    }
  }
  if (current.trim()) pieces.push({ ...block, text: current.trim(), tokens: countTokens(current.trim()) });
  return pieces;
}

/**
 * Packs consecutive blocks under the same headings into chunks of at most `maxTokens`,
 * starting each new chunk with the trailing blocks of the previous one (up to
 * `overlapTokens`) so a fact cut at a boundary is still retrievable whole.
 */
export function chunkMarkdown(markdown: string, { maxTokens, overlapTokens }: ChunkOptions): Chunk[] {
  const blocks = toBlocks(breakLongRuns(markdown)).flatMap((block) => splitOversized(block, maxTokens));
  const chunks: Chunk[] = [];
  let current: Block[] = [];
  let overlap = 0;
  const flush = () => {
    if (current.length === 0) return;
    const content = current.map((block) => block.text).join('\n\n');
    chunks.push({ content, headingPath: current.at(-1)!.headingPath, tokenCount: countTokens(content), overlapTokens: overlap });
  };
  for (const block of blocks) {
    const sameSection = current.length > 0 && current[0]!.headingPath.join('\u0000') === block.headingPath.join('\u0000');
    const joined = current.map((b) => b.text).concat(block.text).join('\n\n');
    if (current.length > 0 && (!sameSection || countTokens(joined) > maxTokens)) {
      flush();
      const carried: Block[] = [];
      if (sameSection) {
        let budget = overlapTokens;
        for (let i = current.length - 1; i >= 0 && current[i]!.tokens <= budget; i--) {
          carried.unshift(current[i]!);
          budget -= current[i]!.tokens;
        }
      }
      const withCarry = carried.map((b) => b.text).concat(block.text).join('\n\n');
      current = countTokens(withCarry) <= maxTokens ? carried : [];
      overlap = current.reduce((sum, b) => sum + b.tokens, 0);
    }
    current.push(block);
  }
  flush();
  return chunks;
}
