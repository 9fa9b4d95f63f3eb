-- Movie lookups for the query path: title resolution (suggestions come from sql/search.sql).

-- name: find_by_title
-- Movies whose title matches case-insensitively, optionally of one year, oldest first.
select id, title, year, director, genres, predicted_genres, embedding, creators, factors
  from movies
 where lower(title) = lower(%(title)s)
   and (%(year)s::int is null or year = %(year)s::int)
 order by year nulls last, id

-- name: vectors_of
-- The three stored vectors of some movies, for explaining a similarity part by part.
select id, embedding, creators, factors
  from movies
 where id = any(%(ids)s::bigint[])

-- name: blend
-- The blend weights the current load chose, for 'similar' and 'history'.
select params -> 'blend'
  from models
 order by created_at desc, id desc
 limit 1

-- name: find_by_id
-- One movie by id, with what the similarity query starts from.
select id, title, year, director, genres, predicted_genres, embedding, creators, factors
  from movies
 where id = %(id)s::bigint

-- name: genres
-- The catalogue's labelled genres (genre_counts, kept by load and add), by name.
select genre
  from genre_counts
 order by genre
