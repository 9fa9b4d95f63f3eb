-- Frozen by migration 0006: movierec_history_vectors(), built from sql/ by movierec.query.functions. Never edit;
-- a later revision freezes its own text.

create or replace function movierec_history_vectors(history jsonb)
returns table (embedding vector, creators sparsevec, factors vector, ids bigint[])
language sql stable

as $body$
with matched as (
    select distinct on (movie_id) movie_id, rating, watched, row_number
      from movierec_match_history($1::jsonb)
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
$body$
