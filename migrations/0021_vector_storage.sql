-- Vectors are stored inline, not in TOAST: an exact scan then reads one heap page per chunk
-- instead of a TOAST index lookup and two TOAST pages (measured 3-5x faster exact vector search
-- on PGlite, see README "Vector search"). A 1024-dimension vector is 4,104 bytes, so a row still
-- fits a page; the other wide columns stay inline up to a whole page too (toast_tuple_target),
-- which also spares full-text ranking a decompression per matching row.
ALTER TABLE knowledge_chunks ALTER COLUMN embedding SET STORAGE PLAIN;
--> statement-breakpoint
ALTER TABLE knowledge_chunks SET (toast_tuple_target = 8160);
--> statement-breakpoint
-- Existing rows move their vectors inline (subvector of the whole vector is an identical copy).
-- They are pending after 0016 (embedding_indexed false): still searched, exactly, until the
-- background job has put them in the new partial HNSW graph. The owner is itself subject to the
-- forced row-level security (when it is not a superuser), so forcing is lifted for the length of
-- this migration's transaction.
ALTER TABLE knowledge_chunks NO FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
UPDATE knowledge_chunks SET embedding = subvector(embedding, 1, 1024);
--> statement-breakpoint
ALTER TABLE knowledge_chunks FORCE ROW LEVEL SECURITY;
