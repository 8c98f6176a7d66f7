import { EMBEDDING_DIMENSIONS } from '@/db/schema';

// The offline default embedder. It is lexical, not semantic: it hashes words, word pairs and
// character trigrams into a fixed-size vector, so texts that share vocabulary land close
// together and synonyms do not. It needs no network and no model download, and the same
// text always gives the same vector. Configure Voyage or OpenAI for semantic embeddings.
export const LOCAL_EMBEDDING_MODEL = 'local-lexical-v1';

const STOP_WORDS = new Set(
  'a an and are as at be by can do does for from has have how i if in is it its my of on or our so that the their this to was we what when where which who will with you your'.split(
    ' ',
  ),
);

function fnv1a(text: string, seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function lexicalTerms(text: string): string[] {
  return (text.toLowerCase().normalize('NFKD').match(/[\p{L}\p{N}]+/gu) ?? []).filter(
    (word) => !STOP_WORDS.has(word),
  );
}

export function embedLocally(text: string): number[] {
  // Per feature: its weight by kind (word 1, word pair 0.5, trigram 0.25) and how often it occurs.
  const features = new Map<string, { weight: number; count: number }>();
  const add = (feature: string, weight: number) => {
    const entry = features.get(feature);
    if (entry) entry.count++;
    else features.set(feature, { weight, count: 1 });
  };
  const words = lexicalTerms(text);
  words.forEach((word, i) => {
    add(`w:${word}`, 1);
    if (i > 0) add(`b:${words[i - 1]} ${word}`, 0.5);
    const padded = `^${word}$`;
    for (let j = 0; j + 3 <= padded.length; j++) add(`c:${padded.slice(j, j + 3)}`, 0.25);
  });
  const vector = new Array<number>(EMBEDDING_DIMENSIONS).fill(0);
  for (const [feature, { weight, count }] of features) {
    const hash = fnv1a(feature, 0);
    // A second hash picks the sign so that collisions cancel out on average instead of piling up.
    const sign = fnv1a(feature, 0x9e3779b9) & 1 ? 1 : -1;
    // Sublinear term frequency: the tenth repetition of a word says less than the first.
    vector[hash % EMBEDDING_DIMENSIONS]! += sign * weight * (1 + Math.log(count));
  }
  const norm = Math.hypot(...vector);
  return norm === 0 ? vector : vector.map((value) => value / norm);
}
