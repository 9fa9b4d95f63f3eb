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

-- name: catalogue_size
-- The loaded catalogue's films (0: nothing to bench).
select count(*) from movies

-- name: catalogue_films
-- Up to k films of the loaded catalogue, the same ones every run of a seed (by a hash of the
-- id), for the bench of the whole similarity query.
select m.id
  from movies as m
 order by md5(m.id::text || %(seed)s::text)
 limit %(k)s::int

-- name: exact_blend
-- The exact top k by the stored 'similar' blend, scoring every film of the genres (no index
-- can serve this order): what the similarity query's candidates should hold.
select m.id
  from movies as m
 cross join (select coalesce(b.content, 1) as content, coalesce(b.creators, 0) as creators,
                    coalesce(b.ratings, 0) as ratings
               from (select 1) as one
               left join similarity_blend as b on b.blend = 'similar') as w
 where (cardinality(%(genres)s::text[]) = 0 or m.genres && %(genres)s::text[])
   and m.id <> %(exclude_id)s::bigint
 order by w.content * coalesce(1 - (m.embedding <=> %(embedding)s::vector), 0)
          + w.creators * coalesce(1 - (m.creators <=> %(creators)s::sparsevec), 0)
          + w.ratings * coalesce(-(m.factors <#> %(factors)s::vector)
                                 / nullif(vector_norm(%(factors)s::vector), 0), 0) desc,
          m.id
 limit %(k)s::int

-- name: exact_content
-- The exact top k by the dense embedding alone (the bare statement's own order), every film
-- of the genres scored: "+ 0" keeps the HNSW index out.
select m.id
  from movies as m
 where (cardinality(%(genres)s::text[]) = 0 or m.genres && %(genres)s::text[])
   and m.id <> %(exclude_id)s::bigint
 order by (m.embedding <=> %(embedding)s::vector) + 0, m.id
 limit %(k)s::int

-- name: bare_hybrid
-- The plain two-index query a pgvector user would write for the same blend: the dense HNSW
-- top {candidates} and every film sharing one of the 32 heaviest creators tokens (GIN), each
-- with the genre filter, united and ranked by the stored 'similar' blend (no ratings arm: the
-- films' factors, if any, only score). The whole query's bare twin in the catalogue bench.
with c as (
    (select m.id
       from movies as m
      where m.genres && %(genres)s::text[] and m.id <> %(exclude_id)s::bigint
      order by m.embedding <=> %(embedding)s::vector
      limit %(candidates)s::int)
    union
    (select m.id
       from movies as m
      where m.creator_keys && movierec_sparse_keys(%(creators)s::sparsevec, 32)
        and m.genres && %(genres)s::text[] and m.id <> %(exclude_id)s::bigint)
)
select m.id
  from c
  join movies as m on m.id = c.id
 cross join (select coalesce(b.content, 1) as content, coalesce(b.creators, 0) as creators,
                    coalesce(b.ratings, 0) as ratings
               from (select 1) as one
               left join similarity_blend as b on b.blend = 'similar') as w
 order by w.content * coalesce(1 - (m.embedding <=> %(embedding)s::vector), 0)
          + w.creators * coalesce(1 - (m.creators <=> %(creators)s::sparsevec), 0)
          + w.ratings * coalesce(-(m.factors <#> %(factors)s::vector)
                                 / nullif(vector_norm(%(factors)s::vector), 0), 0) desc,
          m.id
 limit %(k)s::int
