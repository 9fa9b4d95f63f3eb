-- movierec_similar_to() as revision 0001 created it. Frozen: 0001 creates it from this file and
-- 0003's downgrade restores it; later revisions build the function from sql/similar.sql.
create or replace function movierec_similar_to(
    query_embedding vector, query_genres text[], exclude_id bigint, k integer default 10)
returns table (id bigint, title text, year integer, genres text[], distance double precision)
language sql stable
    set hnsw.iterative_scan = relaxed_order
    set hnsw.ef_search = 100
as $body$
with candidates as materialized (
    select m.id, m.title, m.year, m.genres,
           m.embedding <=> $1::vector as distance
      from movies as m
     where m.genres && $2::text[]
       and m.id is distinct from $3::bigint
     order by m.embedding <=> $1::vector
     limit $4::int
)
select id, title, year, genres, distance
  from candidates
 order by distance, id
$body$
