-- Recommendations: the one similarity query, shared by `movierec similar` and the SQL
-- function movierec_similar_to() that the migrations build from this text.

-- name: similar_to_vector
-- The k movies nearest an embedding (cosine, HNSW) whose labelled genres overlap the given
-- genres, nearest first; relaxed iterative scans may return rows slightly out of order, so the
-- candidates are sorted again outside the index scan.
with candidates as materialized (
    select m.id, m.title, m.year, m.genres,
           m.embedding <=> %(embedding)s::vector as distance
      from movies as m
     where m.genres && %(genres)s::text[]
       and m.id is distinct from %(exclude_id)s::bigint
     order by m.embedding <=> %(embedding)s::vector
     limit %(k)s::int
)
select id, title, year, genres, distance
  from candidates
 order by distance, id
