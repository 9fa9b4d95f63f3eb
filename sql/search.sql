-- Finding movies by title: typo-tolerant search and the details `show` and `--explain` print.

-- name: search_titles
-- Titles like a query, typo-tolerant (pg_trgm): a trailing year ("Hamlet 1996") keeps only
-- that year's films when any match; exact titles first, then by trigram similarity plus word
-- similarity, then by votes.
with query as (
    select %(q)s::text as full_text,
           coalesce(substring(%(q)s::text from '^(.*\S)\s+\(?[12]\d\d\d\)?$'), %(q)s::text)
               as title_text,
           substring(%(q)s::text from '\S\s+\(?([12]\d\d\d)\)?$')::int as year
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
     where m.title %% q.title_text or q.title_text <%% m.title
        or m.title %% q.full_text or q.full_text <%% m.title
        or lower(m.title) in (lower(q.title_text), lower(q.full_text))
)
select id, title, year, director, genres, round(score::numeric, 3)::float8 as score
  from candidates
 where year_match or not exists (select 1 from candidates where year_match)
 order by year_match desc nulls last, exact desc, score desc, votes desc nulls last, id
 limit %(limit)s::int

-- name: movie_details
-- Every stored field of some movies except the embedding, for `show` and `--explain`.
select id, source, predicted_genres, genre_scores, {record_columns}
  from movies
 where id = any(%(ids)s::bigint[])
