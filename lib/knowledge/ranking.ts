// The ranking of retrieved passages, after the database has produced two candidate lists: a
// lexical one (BM25 over the tenant's chunks) and a vector one (nearest embeddings). Pure
// functions, so every rule is unit-tested on constructed cases and tuned on the labelled
// set (tests/fixtures/retrieval-set, `npm run bench -- quality`).

export type LexicalEvidence = {
  rank: number;
  /** BM25 score (Robertson idf, k1 and b below). */
  score: number;
  /**
   * The score divided by the question's total idf: the share of the question's information
   * the passage holds, 1 when every term occurs once in a passage of average length (more with
   * repeats in a short passage, at most k1 + 1). Not capped, so strong matches stay ordered.
   */
  strength: number;
};

export type VectorEvidence = { rank: number; similarity: number };

export type Candidate = {
  id: string;
  /** Passages of one section (document and heading path) compete for diversity. */
  section: string;
  lexical: LexicalEvidence | null;
  vector: VectorEvidence | null;
};

export type RankedCandidate = Candidate & { score: number };

export type RankingOptions = {
  limit: number;
  /** Lexical strength a passage needs on its own to count as a real match. */
  lexicalFloor: number;
  /** Cosine similarity a passage needs on its own to count as a real match (depends on the embedding model). */
  vectorFloor: number;
};

/**
 * How far a piece of evidence clears its floor, on a 0..1 scale: 0 at the floor, 1 at a
 * perfect match. Putting both signals on this scale is what lets them be compared at all.
 */
const aboveFloor = (value: number, floor: number) => (value <= floor ? 0 : (value - floor) / (1 - floor));

/**
 * Fusion by normalized scores: each candidate's best signal above its floor, plus a share of
 * the other signal as a tie-breaker for passages both lists agree on. A strong match found by
 * one list alone outranks a weak match found by both (what rank fusion with every chunk in
 * both lists could never do); passages clearing neither floor are dropped.
 */
export const AGREEMENT_WEIGHT = 0.5;

export function fuseCandidates(candidates: Candidate[], options: Pick<RankingOptions, 'lexicalFloor' | 'vectorFloor'>): RankedCandidate[] {
  return candidates
    .map((candidate) => {
      const lexical = aboveFloor(candidate.lexical?.strength ?? 0, options.lexicalFloor);
      const vector = aboveFloor(candidate.vector?.similarity ?? 0, options.vectorFloor);
      return { ...candidate, score: Math.max(lexical, vector) + AGREEMENT_WEIGHT * Math.min(lexical, vector) };
    })
    .filter((candidate) => candidate.score > 0)
    .sort((a, b) => b.score - a.score || a.id.localeCompare(b.id));
}

/**
 * Per-section diversity: the best passage of each section first, in score order; further
 * passages of an already-represented section only after every section's best one. A long
 * section (a code sample repeating a phrase) can no longer take every slot, and nothing that
 * cleared the floor is thrown away while slots remain.
 */
export function diversify<T extends RankedCandidate>(ranked: T[], limit: number): T[] {
  const seen = new Set<string>();
  const firsts: T[] = [];
  const repeats: T[] = [];
  for (const candidate of ranked) {
    if (seen.has(candidate.section)) repeats.push(candidate);
    else {
      seen.add(candidate.section);
      firsts.push(candidate);
    }
  }
  return [...firsts, ...repeats].slice(0, limit);
}

export function rankCandidates(candidates: Candidate[], options: RankingOptions): RankedCandidate[] {
  return diversify(fuseCandidates(candidates, options), options.limit);
}
