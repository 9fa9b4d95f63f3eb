-- Frozen by migration 0006: movierec_match_history(), built from sql/ by movierec.query.functions. Never edit;
-- a later revision freezes its own text.

create or replace function movierec_match_history(history jsonb)
returns table (row_number integer, movie_id bigint, how text, rating real, watched date)
language sql stable

as $body$
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
  from jsonb_array_elements($1::jsonb) with ordinality as h(item, row_number)
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
$body$
