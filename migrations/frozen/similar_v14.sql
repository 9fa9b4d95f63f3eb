-- Frozen by migration 0015: movierec_similar_to(), built from sql/ by movierec.query.functions. Never edit;
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
filtered as not materialized (
    -- Every column the ranking needs, carried from the index scans (no second lookup), and
    -- the row's address, by which the creators arm fetches its films.
    select m.id, m.title, m.year, m.genres, m.embedding, m.creators, m.creator_keys, m.factors,
           m.ctid
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
    -- The arms statement() chose, joined by "union all".
    {arms}
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
    exact constant text := $q$
(select f.* from filtered as f)
$q$;
    walk constant text := $q$
(select f.*
   from filtered as f
  order by f.embedding <=> $1::vector
  limit {candidates})
$q$;
    per_genre constant text := $q$
(select f.* from filtered as f
  where f.genres && {genre}
  order by f.embedding <=> $1::vector
  limit {candidates})
$q$;
    small constant text := $q$
(select f.* from filtered as f where f.genres && {small})
$q$;
    by_creators constant text := $q$
(select f.*
   from filtered as f
  where (select creators from weights) > 0
    and f.ctid = any(array(
            select c.ctid
              from movies as c
             where c.creator_keys && movierec_sparse_keys($2::sparsevec, 32))))
$q$;
    by_ratings constant text := $q$
(select f.*
   from filtered as f
  where (select ratings from weights) > 0
  order by f.factors <#> $3::vector
  limit {candidates})
$q$;
    nothing constant text := $q$
(select f.* from filtered as f where false)
$q$;
    parts int := (query_embedding is not null)::int + (query_creators is not null)::int
                 + (query_factors is not null)::int;
    wanted text[] := array(select distinct g from unnest(query_genres) as g
                            where g is not null order by g);
    bound real := nullif(current_setting('movierec.exact_below', true), '')::real;
    counted boolean;
    films real;
    catalogue real;
    indexed text[];
    few text[];
    arms text[] := '{}';
    one text;
begin
    -- The arms, chosen as movierec.query.counts.arms_for chooses them.
    select count(*) > 0, coalesce(sum(g.movies) filter (where g.genre = any(wanted)), 0),
           coalesce(array_agg(g.genre) filter (where g.genre = any(wanted)
                                                 and g.movies >= bound), '{}')
      into counted, films, indexed
      from genre_counts as g;
    select greatest(c.reltuples, 1) into catalogue from pg_class as c
     where c.oid = 'movies'::regclass;
    if cardinality(wanted) > 0 and counted and films < bound then
        arms := array[exact];
    else
        if query_embedding is not null then
            if cardinality(wanted) <= 1 or films * cardinality(wanted) >= catalogue then
                arms := arms || walk;
            else
                few := array(select x from unnest(wanted) as x where x <> all(indexed));
                foreach one in array wanted loop
                    if one = any(indexed) then
                        arms := arms || replace(per_genre, '{genre}',
                                                quote_literal(array[one]::text) || '::text[]');
                    end if;
                end loop;
                if cardinality(few) > 0 then
                    arms := arms || replace(small, '{small}',
                                            quote_literal(few::text) || '::text[]');
                end if;
            end if;
        end if;
        if query_creators is not null then
            arms := arms || by_creators;
        end if;
        if query_factors is not null then
            arms := arms || by_ratings;
        end if;
    end if;
    if cardinality(arms) = 0 then
        arms := array[nothing];
    end if;
    return query execute
        replace(replace(replace(template,
            '{arms}', array_to_string(arms, E'\n     union all\n    ')),
            '{genres}', quote_literal(wanted::text) || '::text[]'),
            '{candidates}', (case when parts > 1 then greatest(4 * k, 40) else k end)::text)
        using query_embedding, query_creators, query_factors, query_genres, exclude_id, k, exclude_ids, year_from, year_to, runtime_min, runtime_max, min_rating, min_votes, required_genres, excluded_genres, movie_language, blend, w_content, w_creators, w_ratings;
end
$body$
