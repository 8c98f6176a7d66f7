import { diffLines } from 'diff';

// The text diff a reviewer reads: added and removed lines, with unchanged runs folded down to
// a few lines of context around each change.

export type DiffLine = { kind: 'added' | 'removed' | 'same' | 'fold'; text: string };

const CONTEXT_LINES = 2;

export function textDiff(before: string, after: string): DiffLine[] {
  const parts = diffLines(before, after);
  const lines: DiffLine[] = [];
  parts.forEach((part, index) => {
    const kind = part.added ? 'added' : part.removed ? 'removed' : 'same';
    const texts = part.value.replace(/\n$/, '').split('\n');
    // Context is kept after a change (head) and before the next one (tail).
    const head = index > 0 ? CONTEXT_LINES : 0;
    const tail = index < parts.length - 1 ? CONTEXT_LINES : 0;
    if (kind !== 'same' || texts.length <= head + tail + 1) {
      for (const text of texts) lines.push({ kind, text });
      return;
    }
    for (const text of texts.slice(0, head)) lines.push({ kind, text });
    lines.push({ kind: 'fold', text: `${texts.length - head - tail} unchanged lines` });
    for (const text of texts.slice(texts.length - tail)) lines.push({ kind, text });
  });
  return lines;
}
