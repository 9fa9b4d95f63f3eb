-- Loading: catalogue reads the loader needs to stage a new catalogue beside the live one.

-- name: index_definitions
-- The indexes of a table with the constraint each one backs (primary key, unique), if any.
select i.relname as name,
       pg_get_indexdef(i.oid) as definition,
       c.conname as constraint_name,
       c.contype::text as constraint_type
  from pg_index as x
  join pg_class as i on i.oid = x.indexrelid
  left join pg_constraint as c on c.conindid = x.indexrelid and c.conrelid = x.indrelid
 where x.indrelid = %(table)s::regclass
 order by (c.contype is null), i.relname

-- name: try_load_lock
-- Take the session-level advisory lock that keeps two loads from interleaving.
select pg_try_advisory_lock(%(key)s::bigint)

-- name: release_load_lock
-- Release the load lock.
select pg_advisory_unlock(%(key)s::bigint)

-- name: delete_models
-- Forget every stored model; the swap inserts the new one in the same transaction.
delete from models

-- name: insert_model
-- Store the trained models and their metrics; returns the new row's id.
insert into models (source, doc2vec, classifier, creators_vocab, genre_vocab, thresholds,
                    params, metrics)
values (%(source)s, %(doc2vec)s, %(classifier)s, %(creators)s, %(genre_vocab)s, %(thresholds)s,
        %(params)s, %(metrics)s)
returning id

-- name: dedupe_staged_ratings
-- Drop all but the last-copied rating of each (user, movie) pair from staging; COPY fills a
-- fresh heap in order, so the highest ctid is the last copy.
delete from ratings_staging as a
 using ratings_staging as b
 where a.user_id = b.user_id
   and a.movie_id = b.movie_id
   and a.ctid < b.ctid

-- name: copy_live_ratings
-- Carry every loaded rating into staging, for a load that appends to the catalogue.
insert into ratings_staging (user_id, movie_id, rating, rated_at)
select user_id, movie_id, rating, rated_at
  from ratings

-- name: existing_movies
-- Every loaded movie's source fields, in id order, for a load that appends to the catalogue.
select id, source, {record_columns}
  from movies
 order by id

-- name: current_model
-- The stored models needed to embed and classify a new movie.
select doc2vec, classifier, creators_vocab, genre_vocab, thresholds, params
  from models
 order by created_at desc, id desc
 limit 1

-- name: insert_movie
-- Add one movie outside a load; its id comes from the identity sequence.
insert into movies (source, predicted_genres, genre_scores, embedding, creators, creator_keys,
                    {record_columns})
values (%(source)s, %(predicted_genres)s, %(genre_scores)s, %(embedding)s, %(creators)s,
        %(creator_keys)s, {record_values})
returning id

-- name: find_loaded_movie
-- The loaded movie a new one would duplicate: the same imdb id when it has one, else the
-- same title (any case) and year.
select id, title, year
  from movies
 where case
           when %(imdb_id)s::text is not null then lower(imdb_id) = lower(%(imdb_id)s::text)
           else lower(title) = lower(%(title)s::text) and year is not distinct from %(year)s::int
       end
 order by id
 limit 1

-- name: refresh_genre_counts
-- Count the movies of each labelled genre into genre_counts, which the similarity query reads
-- to choose its plan; run in the transaction that changes the catalogue.
with counted as (
    select g as genre, count(*) as movies
      from movies cross join unnest(genres) as g
     where g is not null
     group by g
),
gone as (
    delete from genre_counts
     where genre not in (select genre from counted)
)
insert into genre_counts (genre, movies)
select genre, movies from counted
    on conflict (genre) do update set movies = excluded.movies

-- name: staged_ratings
-- The ratings staged for this load (after de-duplication), for the collaborative vectors.
select user_id, movie_id, rating, extract(epoch from rated_at)::float8 as rated_at
  from ratings_staging

-- name: clear_blend
-- Forget the previous load's blend weights (store_blend writes the new ones next).
delete from similarity_blend

-- name: store_blend
-- The similarity query's blend weights from the new load ('similar', 'history').
insert into similarity_blend (blend, content, creators, ratings)
select key, (value ->> 'content')::real, (value ->> 'creators')::real, (value ->> 'ratings')::real
  from jsonb_each(%(blend)s::jsonb)

-- name: genres_to_index
-- The labelled genres of a table (movies or movies_staging) with enough films for an HNSW
-- index of their own: at least the films parameter, the bound below which the query ranks a
-- genre's films exactly instead (movierec.exact_below). Biggest first.
with counted as (
    select g as genre, count(*) as movies
      from {table} cross join unnest(genres) as g
     where g is not null
     group by g
)
select genre, movies
  from counted
 where movies >= %(films)s::int
 order by movies desc, genre
