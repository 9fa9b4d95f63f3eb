-- Recommendations: the one similarity query, shared by `movierec similar` / `recommend` and
-- the SQL function movierec_similar_to() that the migrations freeze from this text.

-- name: similar_to_vector
-- The k movies most similar to a query (a film's three vectors, or a history's), by a blend of
-- three parts: content (cosine of the dense embeddings), creators (cosine of the sparse
-- creators vectors) and ratings (inner product of the collaborative factors over the query's
-- length), each in [-1, 1], weighted by the load's stored blend (similarity_blend, the row of
-- the `blend` parameter: 'similar' or 'history'; a w_* parameter overrides one weight).
-- Candidates: the nearest by the dense HNSW index and by the factors' HNSW index (iterative
-- scans, with every filter), and every film sharing one of the query's 32 heaviest creators
-- tokens (GIN on creator_keys: exact, where an HNSW index over sparse vectors found 45% of the
-- true top 20); all are ranked by the blend: best first, ties by id. Filters: labelled genres
-- overlapping `genres` (no genres: any), the NULL-or-condition filters, excluded ids. When
-- the genres match few movies (fewer than movierec.exact_scale × √(movies), counted in
-- genre_counts), every match is a candidate instead (GIN bitmap, exact).
with weights as materialized (
    -- No stored blend (a catalogue loaded before 0.10.0): the dense embedding alone.
    select coalesce(%(w_content)s::real, b.content, 1) as content,
           coalesce(%(w_creators)s::real, b.creators, 0) as creators,
           coalesce(%(w_ratings)s::real, b.ratings, 0) as ratings
      from (select 1) as one
      left join similarity_blend as b on b.blend = coalesce(%(blend)s::text, 'similar')
),
exact as materialized (
    -- The summed counts of the query genres bound the matches. The HNSW scans visit about
    -- k / share movies and the exact branch scores every match, so the exact one is cheaper
    -- below c × √(movies) matches. No counts: HNSW.
    select coalesce(
               cardinality(%(genres)s::text[]) > 0
               and count(*) > 0
               and coalesce(sum(g.movies) filter (where g.genre = any(%(genres)s::text[])), 0)
                   < sqrt((select greatest(c.reltuples, 0) from pg_class as c
                            where c.oid = 'movies'::regclass))
                     * nullif(current_setting('movierec.exact_scale', true), '')::real,
               false) as chosen
      from genre_counts as g
),
filtered as not materialized (
    select m.id, m.embedding, m.creator_keys, m.factors
      from movies as m
     where (coalesce(cardinality(%(genres)s::text[]), 0) = 0 or m.genres && %(genres)s::text[])
       and m.id is distinct from %(exclude_id)s::bigint
       and (%(exclude_ids)s::bigint[] is null or m.id <> all(%(exclude_ids)s::bigint[]))
       and (%(year_from)s::int is null or m.year >= %(year_from)s::int)
       and (%(year_to)s::int is null or m.year <= %(year_to)s::int)
       and (%(runtime_min)s::int is null or m.runtime_minutes >= %(runtime_min)s::int)
       and (%(runtime_max)s::int is null or m.runtime_minutes <= %(runtime_max)s::int)
       and (%(min_rating)s::real is null or m.rating >= %(min_rating)s::real)
       and (%(min_votes)s::int is null or m.votes >= %(min_votes)s::int)
       and (%(required_genres)s::text[] is null or m.genres @> %(required_genres)s::text[])
       and (%(excluded_genres)s::text[] is null or not m.genres && %(excluded_genres)s::text[])
       and (%(language)s::text is null or lower(m.language) = lower(%(language)s::text))
),
by_content as materialized (
    select f.id
      from filtered as f
     where not (select chosen from exact)
       and %(embedding)s::vector is not null
     order by f.embedding <=> %(embedding)s::vector
     limit greatest(4 * %(k)s::int, 40)
),
by_creators as materialized (
    -- Films sharing a token, by the GIN index alone (the genre index would only widen the
    -- bitmap), then the filters on each of them.
    select f.id
      from filtered as f
     where not (select chosen from exact)
       and (select creators from weights) > 0
       and f.id in (select c.id
                      from movies as c
                     where c.creator_keys && movierec_sparse_keys(%(creators)s::sparsevec, 32)
                    offset 0)
),
by_ratings as materialized (
    select f.id
      from filtered as f
     where not (select chosen from exact)
       and %(factors)s::vector is not null
       and (select ratings from weights) > 0
     order by f.factors <#> %(factors)s::vector
     limit greatest(4 * %(k)s::int, 40)
),
candidates as (
    select id from by_content
     union
    select id from by_creators
     union
    select id from by_ratings
     union
    select f.id from filtered as f where (select chosen from exact)
),
scored as (
    -- Each candidate by its primary key ("offset 0" keeps the planner from hashing the whole
    -- table for a few dozen rows).
    select m.id, m.title, m.year, m.genres,
           coalesce(1 - (m.embedding <=> %(embedding)s::vector), 0) as content,
           coalesce(1 - (m.creators <=> %(creators)s::sparsevec), 0) as creators,
           coalesce(-(m.factors <#> %(factors)s::vector)
                    / nullif(vector_norm(%(factors)s::vector), 0), 0) as ratings
      from candidates as c
     cross join lateral (select * from movies as one where one.id = c.id offset 0) as m
)
select s.id, s.title, s.year, s.genres,
       (w.content * s.content + w.creators * s.creators + w.ratings * s.ratings)::float8
           as score,
       s.content::float8 as content, s.creators::float8 as creators,
       s.ratings::float8 as ratings
  from scored as s
 cross join weights as w
 order by score desc, s.id
 limit %(k)s::int
