-- The bench's baseline: what a pgvector user would write without movierec's query.

-- name: bare_hnsw
-- The k nearest films of the query's genres by the dense embedding, as one plain statement:
-- no blend, no candidates from other indexes, no exact branch; PostgreSQL picks the index.
select m.id
  from movies as m
 where m.genres && %(genres)s::text[]
   and m.id <> %(exclude_id)s::bigint
 order by m.embedding <=> %(embedding)s::vector
 limit %(k)s::int

-- name: index_sizes
-- The bytes of the global HNSW index, of the per-genre ones in all and how many, and of the
-- movies table with every index.
select pg_relation_size('movies_embedding_hnsw') as hnsw,
       coalesce(sum(pg_relation_size(x.indexrelid))
                    filter (where starts_with(x.indexrelid::regclass::text, %(prefix)s)), 0)
           ::bigint as genre_hnsw,
       count(*) filter (where starts_with(x.indexrelid::regclass::text, %(prefix)s))
           as genre_indexes,
       pg_total_relation_size('movies') as total
  from pg_index as x
 where x.indrelid = 'movies'::regclass
