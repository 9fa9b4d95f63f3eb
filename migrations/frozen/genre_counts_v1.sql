-- Frozen by migration 0004: the first count of genre_counts, sql/store.sql refresh_genre_counts. Never edit; a later revision freezes its own text.
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
    on conflict (genre) do update set movies = excluded.movies;
