-- Frozen by migration 0003: search_movies(), built from sql/search.sql search_titles. Never edit; a later revision freezes its own text.

create or replace function search_movies(q text, k integer default 10)
returns table (id bigint, title text, year integer, director text, genres text[], score double precision)
language sql stable
    set pg_trgm.similarity_threshold = 0.3
    set pg_trgm.word_similarity_threshold = 0.5
as $body$
with query as (
    select $1::text as full_text,
           coalesce(substring($1::text from '^(.*\S)\s+\(?[12]\d\d\d\)?$'), $1::text)
               as title_text,
           substring($1::text from '\S\s+\(?([12]\d\d\d)\)?$')::int as year
),
candidates as (
    select m.id, m.title, m.year, m.director, m.genres, m.votes,
           greatest(similarity(m.title, q.title_text) + word_similarity(q.title_text, m.title),
                    similarity(m.title, q.full_text) + word_similarity(q.full_text, m.title))
               as score,
           lower(m.title) in (lower(q.title_text), lower(q.full_text)) as exact,
           m.year = q.year as year_match
      from movies as m
     cross join query as q
     where m.title % q.title_text or q.title_text <% m.title
        or m.title % q.full_text or q.full_text <% m.title
        or lower(m.title) in (lower(q.title_text), lower(q.full_text))
)
select id, title, year, director, genres, round(score::numeric, 3)::float8 as score
  from candidates
 where year_match or not exists (select 1 from candidates where year_match)
 order by year_match desc nulls last, exact desc, score desc, votes desc nulls last, id
 limit $2::int
$body$
