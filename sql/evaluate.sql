-- Evaluation: the data `movierec evaluate` reads to score what is loaded.

-- name: stored_classifier_metrics
-- The classifier's held-out scores, computed at load time on movies it never trained on, and
-- the settings of the embedding being evaluated.
select metrics, params
  from models
 order by created_at desc, id desc
 limit 1

-- name: leave_last_out
-- For every user with at least `min_likes` likes (rating >= `like_at`), in time order: the
-- second-to-last like is the query, the last like the target.
with likes as (
    select user_id, movie_id,
           row_number() over (partition by user_id order by rated_at desc nulls last, movie_id desc) as back,
           count(*) over (partition by user_id) as n
      from ratings
     where rating >= %(like_at)s::real
)
select user_id,
       max(movie_id) filter (where back = 2) as query_id,
       max(movie_id) filter (where back = 1) as target_id
  from likes
 where n >= %(min_likes)s::int
 group by user_id
 order by user_id

-- name: popular_likes
-- Movies by number of likes, leaving out each user's held-out last like, most liked first.
with likes as (
    select user_id, movie_id,
           row_number() over (partition by user_id order by rated_at desc nulls last, movie_id desc) as back
      from ratings
     where rating >= %(like_at)s::real
)
select movie_id, count(*) as likes
  from likes
 where back > 1
 group by movie_id
 order by likes desc, movie_id
 limit %(limit)s::int

-- name: sample_labelled_movies
-- A seeded sample of movies with labelled genres, for the genre-agreement score.
select id, genres, predicted_genres, embedding, creators, factors
  from movies
 where cardinality(genres) > 0
 order by md5(id::text || %(seed)s::text)
 limit %(limit)s::int

-- name: query_vectors
-- The vectors and predicted genres of some movies, the inputs of their `similar` queries.
select id, embedding, creators, factors, predicted_genres
  from movies
 where id = any(%(ids)s::bigint[])

-- name: movie_ids
-- Every loaded movie's id, for the random baseline.
select id from movies order by id

-- name: kin_films
-- What the kin measure reads of every film: its title, year, labelled and predicted genres,
-- people and keywords, in id order.
select id, title, year, genres, predicted_genres, director, writer, cast_members, keywords
  from movies
 order by id

-- name: all_ratings
-- Every rating, in each user's time order (films without a time last, by id), for the time
-- split.
select user_id, movie_id, rating, rated_at
  from ratings
 order by user_id, rated_at nulls last, movie_id
