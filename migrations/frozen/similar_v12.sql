-- Frozen by migration 0013: movierec_similar_to(), built from sql/ by movierec.query.functions. Never edit;
-- a later revision freezes its own text.

create or replace function movierec_similar_to(query_embedding vector, query_creators sparsevec, query_factors vector, query_genres text[], exclude_id bigint, k integer default 10, exclude_ids bigint[] default null, year_from integer default null, year_to integer default null, runtime_min integer default null, runtime_max integer default null, min_rating real default null, min_votes integer default null, required_genres text[] default null, excluded_genres text[] default null, movie_language text default null, blend text default 'similar', w_content real default null, w_creators real default null, w_ratings real default null)
returns table (id bigint, title text, year integer, genres text[], score double precision, content double precision, creators double precision, ratings double precision)
language plpgsql stable
    set hnsw.iterative_scan = relaxed_order
    set hnsw.ef_search = 50
    set plan_cache_mode = force_custom_plan
    set movierec.exact_below = 100
    set max_parallel_workers_per_gather = 0
as $body$
declare
    template constant text := $q$
with weights as not materialized (
    -- No stored blend (a catalogue loaded before 0.10.0): the dense embedding alone. Not
    -- materialized: each use reads the one row by its key, 0.02-0.15 ms a query less than a
    -- CTE scan of it (17k films, p50 of 200).
    select coalesce($18::real, b.content, 1) as content,
           coalesce($19::real, b.creators, 0) as creators,
           coalesce($20::real, b.ratings, 0) as ratings
      from (select 1) as one
      left join similarity_blend as b on b.blend = coalesce($17::text, 'similar')
),
exact as materialized (
    {exact}
),
filtered as not materialized (
    -- Every column the ranking needs, carried from the index scans (no second lookup).
    select m.id, m.title, m.year, m.genres, m.embedding, m.creators, m.creator_keys, m.factors
      from movies as m
     where (coalesce(cardinality({genres}), 0) = 0 or m.genres && {genres})
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
candidates as (
    -- The arms of the parts the query has, each followed by "union all", then every genre
    -- match when the genres are few.
    {arms}select f.* from filtered as f where (select chosen from exact)
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
$q$;
    walk constant text := $q$
(select f.*
   from filtered as f
  where not (select chosen from exact)
    and {wide}
  order by f.embedding <=> $1::vector
  limit {candidates})
$q$;
    per_genre constant text := $q$
(select f.* from filtered as f
  where not (select chosen from exact)
    and (select not wide and {genre_name}::text = any(indexed) from exact)
    and f.genres && {genre}
  order by f.embedding <=> $1::vector
  limit {candidates})
$q$;
    small constant text := $q$
(select f.* from filtered as f
  where not (select chosen from exact)
    and not (select wide from exact)
    and f.genres && (select small from exact))
$q$;
    exact_one constant text := $q$
select coalesce(cardinality({genres}) > 0 and count(*) > 0
                and coalesce(sum(g.movies) filter (where g.genre = any({genres})), 0)
                    < nullif(current_setting('movierec.exact_below', true), '')::real,
                false) as chosen
  from genre_counts as g
$q$;
    exact_several constant text := $q$
select coalesce(cardinality({genres}) > 0 and t.counted and t.movies < b.bound, false)
           as chosen,
       t.movies * cardinality({genres}) >= b.movies as wide,
       t.indexed,
       array(select x from unnest({genres}) as x where x <> all(t.indexed)) as small
  from (select greatest(c.reltuples, 1) as movies,
               nullif(current_setting('movierec.exact_below', true), '')::real as bound
          from pg_class as c
         where c.oid = 'movies'::regclass) as b
 cross join lateral (
       select count(*) > 0 as counted,
              coalesce(sum(g.movies) filter (where g.genre = any({genres})), 0) as movies,
              coalesce(array_agg(g.genre) filter (where g.genre = any({genres})
                                                    and g.movies >= b.bound), '{}')
                  as indexed
         from genre_counts as g) as t
$q$;
    by_creators constant text := $q$
(select f.*
   from filtered as f
  where not (select chosen from exact)
    and (select creators from weights) > 0
    and f.id in (select c.id
                   from movies as c
                  where c.creator_keys && movierec_sparse_keys($2::sparsevec, 32)
                 offset 0))
$q$;
    by_ratings constant text := $q$
(select f.*
   from filtered as f
  where not (select chosen from exact)
    and (select ratings from weights) > 0
  order by f.factors <#> $3::vector
  limit {candidates})
$q$;
    parts int := (query_embedding is not null)::int + (query_creators is not null)::int
                 + (query_factors is not null)::int;
    wanted text[] := array(select distinct g from unnest(query_genres) as g
                            where g is not null order by g);
    arms text[];
    one text;
begin
    arms := '{}';
    if query_embedding is not null then
        arms := array[replace(walk, '{wide}', case when cardinality(wanted) > 1
                                                then '(select wide from exact)' else 'true' end)];
        if cardinality(wanted) > 1 then
            foreach one in array wanted loop
                arms := arms || replace(replace(per_genre, '{genre_name}', quote_literal(one)),
                                        '{genre}', quote_literal(array[one]::text) || '::text[]');
            end loop;
            arms := arms || small;
        end if;
    end if;
    if query_creators is not null then
        arms := arms || by_creators;
    end if;
    if query_factors is not null then
        arms := arms || by_ratings;
    end if;
    return query execute
        replace(replace(replace(replace(template,
            '{exact}', case when cardinality(wanted) > 1 then exact_several
                              else exact_one end),
            '{arms}', array_to_string(arms || ''::text, E'
     union all
    ')),
            '{genres}', quote_literal(wanted::text) || '::text[]'),
            '{candidates}', (case when parts > 1 then greatest(4 * k, 40) else k end)::text)
        using query_embedding, query_creators, query_factors, query_genres, exclude_id, k, exclude_ids, year_from, year_to, runtime_min, runtime_max, min_rating, min_votes, required_genres, excluded_genres, movie_language, blend, w_content, w_creators, w_ratings;
end
$body$
