-- Frozen by migration 0003: movierec_taste(), built from sql/similar.sql taste_vector. Never edit; a later revision freezes its own text.

create or replace function movierec_taste(liked_ids bigint[], disliked_ids bigint[], dislike_weight real default 0.5)
returns table (embedding vector, genres text[])
language sql stable

as $body$
with liked as (
    select avg(embedding) as mean,
           (select array_agg(distinct g order by g)
              from movies, unnest(predicted_genres) as g
             where id = any($1::bigint[])) as genres
      from movies
     where id = any($1::bigint[])
),
disliked as (
    select avg(embedding) as mean
      from movies
     where id = any($2::bigint[])
)
select case
           when d.mean is null then l.mean
           else l.mean - d.mean * array_fill($3::real,
                                             array[vector_dims(d.mean)])::vector
       end as embedding,
       l.genres
  from liked as l
 cross join disliked as d
$body$
