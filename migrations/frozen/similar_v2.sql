-- movierec_similar_to() as revision 0003 created it. Frozen: 0003 creates it from this file and
-- 0004's downgrade restores it; later revisions build the function from sql/similar.sql.
create or replace function movierec_similar_to(query_embedding vector, query_genres text[], exclude_id bigint, k integer default 10, exclude_ids bigint[] default null, year_from integer default null, year_to integer default null, runtime_min integer default null, runtime_max integer default null, min_rating real default null, min_votes integer default null, required_genres text[] default null, excluded_genres text[] default null, movie_language text default null)
returns table (id bigint, title text, year integer, genres text[], distance double precision)
language sql stable
    set hnsw.iterative_scan = relaxed_order
    set hnsw.ef_search = 100
    set plan_cache_mode = force_custom_plan
as $body$
with candidates as materialized (
    select m.id, m.title, m.year, m.genres,
           m.embedding <=> $1::vector as distance
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
     order by m.embedding <=> $1::vector
     limit $4::int
)
select id, title, year, genres, distance
  from candidates
 order by distance, id
$body$
