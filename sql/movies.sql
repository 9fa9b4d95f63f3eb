-- Movie lookups for the query path: title resolution (suggestions come from sql/search.sql).

-- name: find_by_title
-- Movies whose title matches case-insensitively, optionally of one year, oldest first.
select id, title, year, director, genres, predicted_genres, embedding
  from movies
 where lower(title) = lower(%(title)s)
   and (%(year)s::int is null or year = %(year)s::int)
 order by year nulls last, id
