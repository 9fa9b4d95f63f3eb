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
select blend, content, creators, ratings
  from similarity_blend

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

-- name: genre_counts
-- Every labelled genre and how many films carry it, most common first.
select genre, movies
  from genre_counts
 order by movies desc, genre

-- name: readiness
-- The schema's revision and whether any film is loaded, for the web server's /readyz.
select (select version_num from alembic_version limit 1) as revision,
       exists (select 1 from movies) as loaded
