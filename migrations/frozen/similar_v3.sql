-- Frozen by migration 0004: movierec_similar_to() with the exact branch, built from sql/similar.sql similar_to_vector. Never edit; a later revision freezes its own text.

create or replace function movierec_similar_to(query_embedding vector, query_genres text[], exclude_id bigint, k integer default 10, exclude_ids bigint[] default null, year_from integer default null, year_to integer default null, runtime_min integer default null, runtime_max integer default null, min_rating real default null, min_votes integer default null, required_genres text[] default null, excluded_genres text[] default null, movie_language text default null)
returns table (id bigint, title text, year integer, genres text[], distance double precision)
language sql stable
    set hnsw.iterative_scan = relaxed_order
    set hnsw.ef_search = 100
    set plan_cache_mode = force_custom_plan
    set movierec.exact_scale = 6
    set max_parallel_workers_per_gather = 0
as $body$
with exact as materialized (
    -- genre_counts (kept by load and add) bounds the matches: the summed counts of the query
    -- genres. The HNSW scan visits about k / share movies and the exact branch scores every
    -- match, so the exact one is cheaper below c × √(movies) matches. No counts: HNSW.
    select coalesce(
               count(*) > 0
               and coalesce(sum(g.movies) filter (where g.genre = any($2::text[])), 0)
                   < sqrt((select greatest(c.reltuples, 0) from pg_class as c
                            where c.oid = 'movies'::regclass))
                     * nullif(current_setting('movierec.exact_scale', true), '')::real,
               false) as chosen
      from genre_counts as g
),
filtered as not materialized (
    select m.id, m.title, m.year, m.genres, m.embedding
      from movies as m
     where m.genres && $2::text[]
       and m.id is distinct from $3::bigint
       and ($5::bigint[] is null or m.id <> all($5::bigint[]))
       and ($6::int is null or m.year >= $6::int)
       and ($7::int is null or m.year <= $7::int)
       and ($8::int is null or m.runtime_minutes >= $8::int)
       and ($9::int is null or m.runtime_minutes <= $9::int)
       and ($10::real is null or m.rating >= $10::real)
       and ($11::int is null or m.votes >= $11::int)
       and ($12::text[] is null or m.genres @> $12::text[])
       and ($13::text[] is null or not m.genres && $13::text[])
       and ($14::text is null or lower(m.language) = lower($14::text))
),
ranked as materialized (
    -- "+ 0" keeps the HNSW index out: every match is scored.
    select f.id, f.title, f.year, f.genres, f.embedding <=> $1::vector as distance
      from filtered as f
     where (select chosen from exact)
     order by (f.embedding <=> $1::vector) + 0
     limit $4::int
),
nearest as materialized (
    select f.id, f.title, f.year, f.genres, f.embedding <=> $1::vector as distance
      from filtered as f
     where not (select chosen from exact)
     order by f.embedding <=> $1::vector
     limit $4::int
)
select id, title, year, genres, distance from ranked
 union all
select id, title, year, genres, distance from nearest
 order by distance, id
$body$
