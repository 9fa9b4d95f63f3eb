-- A person's own viewing history: its rows matched to catalogue films, and the query vectors
-- they make for the similarity query (sql/similar.sql, blend 'history'). A history is a JSON
-- array of objects with any of: movie_id, imdb_id, title, year, rating (0-5), date
-- (YYYY-MM-DD); the SQL functions movierec_match_history() and movierec_history_vectors() are
-- these queries.

-- name: match_history
-- Each history row (numbered from 1) and the film it is: the film with its movie_id; else the
-- one with its imdb id; else a film with the same title key (movierec_title_key: case,
-- articles and punctuation aside) within a year, the nearest year first, then the most voted,
-- that has no imdb id or the row has none (two imdb ids that differ are two films). `how`
-- says which rule matched, or why none did.
select h.row_number::int as row_number,
       m.id as movie_id,
       case
           when m.id is not null then m.how
           when coalesce(h.item ->> 'imdb_id', h.item ->> 'title', h.item ->> 'movie_id') is null
               then 'no-title'
           else 'not-in-catalogue'
       end as how,
       case when jsonb_typeof(h.item -> 'rating') = 'number'
            then (h.item ->> 'rating')::real end as rating,
       case when (h.item ->> 'date') ~ '^\d{4}-\d{2}-\d{2}'
            then left(h.item ->> 'date', 10)::date end as watched
  from jsonb_array_elements(%(history)s::jsonb) with ordinality as h(item, row_number)
  left join lateral (
      select c.id, c.how
        from (
            select movies.id, 'id' as how, 0 as rank, 0 as gap, 0 as votes
              from movies
             where h.item ->> 'movie_id' ~ '^\d{1,18}$'
               and movies.id = (h.item ->> 'movie_id')::bigint
            union all
            select movies.id, 'imdb', 1, 0, 0
              from movies
             where h.item ->> 'imdb_id' is not null
               and lower(movies.imdb_id) = lower(h.item ->> 'imdb_id')
            union all
            select movies.id, 'title', 2,
                   coalesce(abs(movies.year - (h.item ->> 'year')::int), 0),
                   coalesce(movies.votes, 0)
              from movies
             where h.item ->> 'title' is not null
               and movierec_title_key(movies.title) = movierec_title_key(h.item ->> 'title')
               and (h.item ->> 'imdb_id' is null or movies.imdb_id is null)
               and (coalesce(h.item ->> 'year', '') !~ '^\d{4}$'
                    or movies.year between (h.item ->> 'year')::int - 1
                                       and (h.item ->> 'year')::int + 1)
        ) as c
       order by c.rank, c.gap, c.votes desc, c.id
       limit 1
  ) as m on true
 order by h.row_number

-- name: history_vectors
-- The query vectors of a history: each matched film weighted by (rating - 2.5) on the 0-5
-- scale (no rating: 0.5, a watched film is a mild like; a dislike, 2 or less, pushes away),
-- times 0.99 per newer film (by date, then by row), each film counted once at its newest row.
-- Returns the weighted sums of the dense embeddings, creators vectors and factors, and the
-- ids to exclude (every matched film).
with matched as (
    select distinct on (movie_id) movie_id, rating, watched, row_number
      from movierec_match_history(%(history)s::jsonb)
     where movie_id is not null
     order by movie_id, watched desc nulls last, row_number desc
),
weighted as (
    select m.movie_id,
           coalesce(m.rating - 2.5, 0.5)
           * power(0.99, row_number() over (order by m.watched desc nulls last,
                                                     m.row_number desc) - 1) as weight
      from matched as m
)
select sum(v.embedding * array_fill(w.weight, array[vector_dims(v.embedding)])::vector)
           filter (where w.weight <> 0) as embedding,
       movierec_sparse_sum(array_agg(v.creators), array_agg(w.weight::real)) as creators,
       sum(v.factors * array_fill(w.weight, array[vector_dims(v.factors)])::vector)
           filter (where w.weight <> 0 and v.factors is not null) as factors,
       array_agg(w.movie_id order by w.movie_id) as ids
  from weighted as w
  join movies as v on v.id = w.movie_id
