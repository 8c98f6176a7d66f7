import { describe, expect, it } from 'vitest';
import { type Candidate, diversify, fuseCandidates, rankCandidates } from '@/lib/knowledge/ranking';

const floors = { lexicalFloor: 0.3, vectorFloor: 0.3 };
const candidate = (id: string, lexical: number | null, vector: number | null, section = id): Candidate => ({
  id,
  section,
  lexical: lexical === null ? null : { rank: 1, score: lexical * 5, strength: lexical },
  vector: vector === null ? null : { rank: 1, similarity: vector },
});

describe('fusion by normalized scores', () => {
  it('lets a strong match found by one list alone beat a weak match found by both', () => {
    const fused = fuseCandidates([candidate('weak-both', 0.35, 0.35), candidate('vector-only', null, 0.9), candidate('lexical-only', 0.95, null)], floors);
    expect(fused.map((hit) => hit.id)).toEqual(['lexical-only', 'vector-only', 'weak-both']);
    // (0.9 - 0.3) / 0.7 for the vector-only hit; the weak pair clears each floor by 0.05 / 0.7.
    expect(fused[1]!.score).toBeCloseTo(0.6 / 0.7, 12);
    expect(fused[2]!.score).toBeCloseTo((0.05 / 0.7) * 1.5, 12);
  });

  it('ranks a passage both lists agree on above one list alone at the same strength', () => {
    const fused = fuseCandidates([candidate('one', 0.8, null), candidate('both', 0.8, 0.6)], floors);
    expect(fused.map((hit) => hit.id)).toEqual(['both', 'one']);
  });

  it('drops what clears neither floor: a question with no good match returns nothing', () => {
    expect(fuseCandidates([candidate('a', 0.29, 0.2), candidate('b', null, 0.3), candidate('c', 0.1, null)], floors)).toEqual([]);
    expect(rankCandidates([candidate('a', 0.2, 0.25)], { ...floors, limit: 5 })).toEqual([]);
  });

  it('keeps a passage that clears one floor even if the other signal is missing', () => {
    expect(fuseCandidates([candidate('a', 0.31, null)], floors).map((hit) => hit.id)).toEqual(['a']);
    expect(fuseCandidates([candidate('b', null, 0.31)], floors).map((hit) => hit.id)).toEqual(['b']);
  });
});

describe('per-section diversity', () => {
  it("puts every section's best passage before a second passage of any section", () => {
    const ranked = fuseCandidates(
      [
        candidate('code-1', 0.99, null, 'long code sample'),
        candidate('code-2', 0.98, null, 'long code sample'),
        candidate('code-3', 0.97, null, 'long code sample'),
        candidate('answer', 0.6, null, 'the answer'),
        candidate('other', 0.5, null, 'another section'),
      ],
      floors,
    );
    expect(diversify(ranked, 3).map((hit) => hit.id)).toEqual(['code-1', 'answer', 'other']);
    // Nothing that cleared the floor is lost while there are slots.
    expect(diversify(ranked, 5).map((hit) => hit.id)).toEqual(['code-1', 'answer', 'other', 'code-2', 'code-3']);
  });
});
