-- Functions behind lexical search (lib/knowledge/search.ts). They exist before the chunk's
-- search_vector expression that uses them (next migration).

-- A lexeme as a tsvector/tsquery literal: quoted, with quotes and backslashes doubled.
CREATE OR REPLACE FUNCTION app_quote_lexeme(text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT '''' || replace(replace($1, '\', '\\'), '''', '''''') || '''' $$;
--> statement-breakpoint
-- Identifiers kept whole as well as split. The English parser splits `content_block_delta` and
-- `HTTP_429` into words and keeps `v2.1`, `lib.ai.engine`, `/api/v1/usage` and `streamText`
-- whole: for each identifier-like token this adds whichever form the parser did not produce
-- (the whole token in lower case; its parts, camelCase split, stemmed like any word), and
-- `2.1` for a version written `v2.1`. Used on indexed text and on questions alike.
CREATE OR REPLACE FUNCTION app_identifier_tsvector(text) RETURNS tsvector
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
  WITH tokens AS (
    SELECT DISTINCT m[1] AS token
    FROM regexp_matches($1, '([[:alnum:]]+(?:[._:/-][[:alnum:]]+)+|[[:alnum:]]*[[:lower:]][[:upper:]][[:alnum:]]*)', 'g') AS m
  ),
  forms AS (
    SELECT token, lower(token) AS whole, tsvector_to_array(to_tsvector('english', token)) AS parsed FROM tokens
  ),
  extra AS (
    SELECT whole AS lexeme FROM forms WHERE NOT whole = ANY (parsed)
    UNION
    SELECT substr(whole, 2) FROM forms WHERE whole ~ '^v[0-9]+(\.[0-9]+)+$'
    UNION
    SELECT joined FROM forms,
      unnest(tsvector_to_array(to_tsvector('english', replace(token, '-', '')))) AS joined
    WHERE token ~ '^[[:alpha:]]+(-[[:alpha:]]+)+$' AND NOT joined = ANY (parsed)
    UNION
    SELECT part FROM forms,
      unnest(tsvector_to_array(to_tsvector('english',
        regexp_replace(regexp_replace(token, '([[:lower:][:digit:]])([[:upper:]])', '\1 \2', 'g'), '[._:/-]+', ' ', 'g')))) AS part
    WHERE NOT part = ANY (parsed)
  )
  SELECT coalesce(string_agg(app_quote_lexeme(lexeme) || ':1', ' ' ORDER BY lexeme), '')::tsvector FROM extra
$$;
--> statement-breakpoint
-- The distinct lexemes of a question as the index holds them: English words, stemmed, plus
-- the identifier forms above.
CREATE OR REPLACE FUNCTION app_query_lexemes(text) RETURNS text[]
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(array_agg(DISTINCT lexeme ORDER BY lexeme), '{}') FROM unnest(tsvector_to_array(to_tsvector('english', $1) || app_identifier_tsvector($1))) AS lexeme $$;
--> statement-breakpoint
-- A tsquery matching any of the given lexemes, taken literally (no parsing or stemming again).
CREATE OR REPLACE FUNCTION app_any_lexeme_query(text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT coalesce(string_agg(app_quote_lexeme(lexeme), ' | '), '')::tsquery FROM unnest($1) AS lexeme $$;
