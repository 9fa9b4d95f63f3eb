-- Recommendations: the one similarity query, shared by `movierec similar` / `recommend` and
-- the SQL function movierec_similar_to() that the migrations build from this text.

-- name: similar_to_vector
-- The k movies nearest an embedding (cosine) whose labelled genres overlap the given genres and
-- that pass every filter (a NULL filter is off; no genres at all: any genre), nearest first,
-- ties by id. Two plans in one statement: when the genres match few movies, fewer than
-- movierec.exact_scale × √(movies), the exact branch ranks every match (GIN bitmap + sort,
-- recall 1); otherwise the HNSW branch walks the index with an iterative scan. A one-time
-- filter runs only the chosen branch. Relaxed iterative scans may return rows slightly out of
-- order, so the result is sorted again.
with exact as materialized (
    -- genre_counts (kept by load and add) bounds the matches: the summed counts of the query
    -- genres. The HNSW scan visits about k / share movies and the exact branch scores every
    -- match, so the exact one is cheaper below c × √(movies) matches. No counts: HNSW.
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
    select m.id, m.title, m.year, m.genres, m.embedding
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
ranked as materialized (
    -- "+ 0" keeps the HNSW index out: every match is scored.
    select f.id, f.title, f.year, f.genres, f.embedding <=> %(embedding)s::vector as distance
      from filtered as f
     where (select chosen from exact)
     order by (f.embedding <=> %(embedding)s::vector) + 0
     limit %(k)s::int
),
nearest as materialized (
    select f.id, f.title, f.year, f.genres, f.embedding <=> %(embedding)s::vector as distance
      from filtered as f
     where not (select chosen from exact)
     order by f.embedding <=> %(embedding)s::vector
     limit %(k)s::int
)
select id, title, year, genres, distance from ranked
 union all
select id, title, year, genres, distance from nearest
 order by distance, id

-- name: taste_vector
-- A taste profile: the mean embedding of the liked movies minus dislike_weight times the mean
-- of the disliked ones, and the union of the liked movies' predicted genres as the filter.
with liked as (
    select avg(embedding) as mean,
           (select array_agg(distinct g order by g)
              from movies, unnest(predicted_genres) as g
             where id = any(%(liked)s::bigint[])) as genres
      from movies
     where id = any(%(liked)s::bigint[])
),
disliked as (
    select avg(embedding) as mean
      from movies
     where id = any(%(disliked)s::bigint[])
)
select case
           when d.mean is null then l.mean
           else l.mean - d.mean * array_fill(%(dislike_weight)s::real,
                                             array[vector_dims(d.mean)])::vector
       end as embedding,
       l.genres
  from liked as l
 cross join disliked as d
