-- Movie lookups for the query path: title resolution and suggestions.

-- name: find_by_title
-- Movies whose title matches case-insensitively, optionally of one year, oldest first.
select id, title, year, director, genres, predicted_genres, embedding
  from movies
 where lower(title) = lower(%(title)s)
   and (%(year)s::int is null or year = %(year)s::int)
 order by year nulls last, id

-- name: closest_titles
-- Up to `limit` titles closest to a misspelt one (pg_trgm word similarity), best first.
select title, year, director,
       round(greatest(similarity(title, %(title)s),
                      word_similarity(%(title)s, title))::numeric, 3)::float8 as score
  from movies
 order by score desc, votes desc nulls last, id
 limit %(limit)s

-- name: movie_count
-- How many movies are loaded.
select count(*) from movies
