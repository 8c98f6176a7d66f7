import { countTokens } from 'gpt-tokenizer';

export type Chunk = { content: string; headingPath: string[]; tokenCount: number; overlapTokens: number };

export type ChunkOptions = {
  maxTokens: number;
  overlapTokens: number;
  /**
   * A section whose text is shorter than this merges with its neighbours (its heading kept as a
   * line of the merged chunk), so a heading with one short line never becomes a chunk of its
   * own: such a chunk says little, and length-normalized ranking would favour it.
   */
  minSectionTokens?: number;
};

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

const FENCE = /^\s{0,3}(```|~~~)/;

/**
 * Splits markdown into paragraphs at blank lines, except inside fenced code: a fence is one
 * paragraph (blank lines included), and a `#` comment inside it is code, not a heading.
 */
function paragraphs(markdown: string): Array<{ text: string; code: boolean }> {
  const result: Array<{ text: string; code: boolean }> = [];
  let current: string[] = [];
  let fence: string | null = null;
  const flush = (code = false) => {
    const text = current.join('\n').trim();
    if (text) result.push({ text, code });
    current = [];
  };
  for (const line of markdown.replace(/\r\n?/g, '\n').split('\n')) {
    const marker = FENCE.exec(line)?.[1];
    if (fence) {
      current.push(line);
      if (marker === fence) {
        flush(true);
        fence = null;
      }
    } else if (marker) {
      flush();
      fence = marker;
      current.push(line);
    } else if (line.trim() === '') {
      flush();
    } else {
      current.push(line);
    }
  }
  flush(fence !== null);
  return result;
}

// Turns markdown into blocks (paragraphs, lists, tables, code) that remember the headings above them.
function toBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const headings: string[] = [];
  for (const { text, code } of paragraphs(markdown)) {
    const heading = code ? null : /^(#{1,6})\s+(.+)$/.exec(text.split('\n')[0]!);
    if (heading) {
      headings.length = heading[1]!.length - 1;
      headings[heading[1]!.length - 1] = heading[2]!.replace(/\s+#+\s*$/, '').trim();
      const rest = text.split('\n').slice(1).join('\n').trim();
      if (rest) blocks.push({ text: rest, headingPath: headings.filter(Boolean), tokens: countTokens(rest) });
      continue;
    }
    blocks.push({ text, headingPath: headings.filter(Boolean), tokens: countTokens(text) });
  }
  return blocks;
}

const samePath = (a: string[], b: string[]) => a.length === b.length && a.every((heading, i) => heading === b[i]);

function commonPrefix(paths: string[][]): string[] {
  const [first = [], ...rest] = paths;
  let length = first.length;
  for (const path of rest) {
    let i = 0;
    while (i < length && i < path.length && path[i] === first[i]) i++;
    length = i;
  }
  return first.slice(0, length);
}

/**
 * Merges runs of tiny sections with the section that follows (or, at the end, precedes) them.
 * The merged blocks take the headings the sections share; each section's own remaining
 * headings become a markdown heading line inside the text, so nothing is lost.
 */
function mergeTinySections(blocks: Block[], minTokens: number, maxTokens: number): Block[] {
  const sections: Block[][] = [];
  for (const block of blocks) {
    const last = sections.at(-1);
    if (last && samePath(last[0]!.headingPath, block.headingPath)) last.push(block);
    else sections.push([block]);
  }
  const size = (sections: Block[][]) => sections.reduce((sum, section) => sum + section.reduce((total, block) => total + block.tokens, 0), 0);
  const groups: Block[][][] = [];
  let pending: Block[][] = [];
  // Attaches a run of tiny sections to the previous group when they fit one chunk together.
  const settlePending = () => {
    if (pending.length === 0) return;
    const previous = groups.at(-1);
    if (previous && size(previous) + size(pending) <= maxTokens) previous.push(...pending);
    else groups.push(pending);
    pending = [];
  };
  for (const section of sections) {
    if (size([section]) < minTokens) {
      if (size(pending) + size([section]) > maxTokens) settlePending();
      pending.push(section);
    } else if (pending.length && size(pending) + size([section]) <= maxTokens) {
      groups.push([...pending, section]);
      pending = [];
    } else {
      settlePending();
      groups.push([section]);
    }
  }
  settlePending();
  return groups.flatMap((group) => {
    if (group.length === 1) return group[0]!;
    const shared = commonPrefix(group.map((section) => section[0]!.headingPath));
    return group.flatMap((section) => {
      const own = section[0]!.headingPath.slice(shared.length);
      return section.map((block, i) => {
        const text = i === 0 && own.length ? `${'#'.repeat(Math.min(6, shared.length + own.length))} ${own.join(' › ')}\n${block.text}` : block.text;
        return { text, headingPath: shared, tokens: countTokens(text) };
      });
    });
  });
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
export function chunkMarkdown(markdown: string, { maxTokens, overlapTokens, minSectionTokens = 0 }: ChunkOptions): Chunk[] {
  const blocks = mergeTinySections(toBlocks(breakLongRuns(markdown)), minSectionTokens, maxTokens).flatMap((block) => splitOversized(block, maxTokens));
  const chunks: Chunk[] = [];
  let current: Block[] = [];
  let overlap = 0;
  const flush = () => {
    if (current.length === 0) return;
    const content = current.map((block) => block.text).join('\n\n');
    chunks.push({ content, headingPath: current.at(-1)!.headingPath, tokenCount: countTokens(content), overlapTokens: overlap });
  };
  for (const block of blocks) {
    const sameSection = current.length > 0 && samePath(current[0]!.headingPath, block.headingPath);
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

/** The first line's `# Title`, when a markdown document opens with one. */
export function markdownTitle(markdown: string): string | undefined {
  const first = markdown.replace(/^\uFEFF/, '').trimStart().split('\n', 1)[0] ?? '';
  return /^#\s+(.+)$/.exec(first)?.[1]?.replace(/\s+#+\s*$/, '').trim() || undefined;
}
