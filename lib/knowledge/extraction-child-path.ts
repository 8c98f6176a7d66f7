// Where `next build` / `next dev` put the bundled extraction process (lib/knowledge/build-extraction-child.ts),
// relative to the app's root; the Docker standalone image carries it at the same place.
export const EXTRACTION_CHILD_BUNDLE = 'dist/extraction-child.mjs';
export const EXTRACTION_CHILD_SOURCE = 'lib/knowledge/extraction-child.ts';
