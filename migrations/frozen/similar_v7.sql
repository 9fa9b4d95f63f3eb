-- Frozen by migration 0008: movierec_similar_to(), built from sql/ by movierec.query.functions. Never edit;
-- a later revision freezes its own text.

create or replace function movierec_similar_to(query_embedding vector, query_creators sparsevec, query_factors vector, query_genres text[], exclude_id bigint, k integer default 10, exclude_ids bigint[] default null, year_from integer default null, year_to integer default null, runtime_min integer default null, runtime_max integer default null, min_rating real default null, min_votes integer default null, required_genres text[] default null, excluded_genres text[] default null, movie_language text default null, blend text default 'similar', w_content real default null, w_creators real default null, w_ratings real default null)
returns table (id bigint, title text, year integer, genres text[], score double precision, content double precision, creators double precision, ratings double precision)
language sql stable
    set hnsw.iterative_scan = relaxed_order
    set hnsw.ef_search = 100
    set plan_cache_mode = force_custom_plan
    set movierec.exact_scale = 6
    set max_parallel_workers_per_gather = 0
as $body$
with weights as materialized (
    -- No stored blend (a catalogue loaded before 0.10.0): the dense embedding alone.
    select coalesce($18::real, b.content, 1) as content,
           coalesce($19::real, b.creators, 0) as creators,
           coalesce($20::real, b.ratings, 0) as ratings
      from (select 1) as one
      left join similarity_blend as b on b.blend = coalesce($17::text, 'similar')
),
exact as materialized (
    -- The summed counts of the query genres bound the matches. The HNSW scans visit about
    -- k / share movies and the exact branch scores every match, so the exact one is cheaper
    -- below c × √(movies) matches. No counts: HNSW.
    select coalesce(
               cardinality($4::text[]) > 0
               and count(*) > 0
               and coalesce(sum(g.movies) filter (where g.genre = any($4::text[])), 0)
                   < sqrt((select greatest(c.reltuples, 0) from pg_class as c
                            where c.oid = 'movies'::regclass))
                     * nullif(current_setting('movierec.exact_scale', true), '')::real,
               false) as chosen
      from genre_counts as g
),
filtered as not materialized (
    -- Every column the ranking needs, carried from the index scans (no second lookup).
    select m.id, m.title, m.year, m.genres, m.embedding, m.creators, m.creator_keys, m.factors
      from movies as m
     where (coalesce(cardinality($4::text[]), 0) = 0 or m.genres && $4::text[])
       and m.id is distinct from $5::bigint
       and ($7::bigint[] is null or m.id <> all($7::bigint[]))
       and ($8::int is null or m.year >= $8::int)
       and ($9::int is null or m.year <= $9::int)
       and ($10::int is null or m.runtime_minutes >= $10::int)
       and ($11::int is null or m.runtime_minutes <= $11::int)
       and ($12::real is null or m.rating >= $12::real)
       and ($13::int is null or m.votes >= $13::int)
       and ($14::text[] is null or m.genres @> $14::text[])
       and ($15::text[] is null or not m.genres && $15::text[])
       and ($16::text is null or lower(m.language) = lower($16::text))
),
by_content as materialized (
    select f.*
      from filtered as f
     where not (select chosen from exact)
       and $1::vector is not null
     order by f.embedding <=> $1::vector
     limit greatest(4 * $6::int, 40)
),
by_creators as materialized (
    -- Films sharing a token, by the GIN index alone (the genre index would only widen the
    -- bitmap), then the filters on each of them.
    select f.*
      from filtered as f
     where not (select chosen from exact)
       and (select creators from weights) > 0
       and f.id in (select c.id
                      from movies as c
                     where c.creator_keys && movierec_sparse_keys($2::sparsevec, 32)
                    offset 0)
),
by_ratings as materialized (
    select f.*
      from filtered as f
     where not (select chosen from exact)
       and $3::vector is not null
       and (select ratings from weights) > 0
     order by f.factors <#> $3::vector
     limit greatest(4 * $6::int, 40)
),
candidates as (
    select * from by_content
     union all
    select * from by_creators
     union all
    select * from by_ratings
     union all
    select f.* from filtered as f where (select chosen from exact)
),
scored as (
    -- Each candidate once (two branches may both find it).
    select distinct on (c.id) c.id, c.title, c.year, c.genres,
           coalesce(1 - (c.embedding <=> $1::vector), 0) as content,
           coalesce(1 - (c.creators <=> $2::sparsevec), 0) as creators,
           coalesce(-(c.factors <#> $3::vector)
                    / nullif(vector_norm($3::vector), 0), 0) as ratings
      from candidates as c
     order by c.id
)
select s.id, s.title, s.year, s.genres,
       (w.content * s.content + w.creators * s.creators + w.ratings * s.ratings)::float8
           as score,
       s.content::float8 as content, s.creators::float8 as creators,
       s.ratings::float8 as ratings
  from scored as s
 cross join weights as w
 order by score desc, s.id
 limit $6::int
$body$
