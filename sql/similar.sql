-- Recommendations: the one similarity query, shared by `movierec similar` / `recommend` and
-- the SQL function movierec_similar_to() that the migrations freeze from this text.

-- name: similar_to_vector
-- The k movies most similar to a query (a film's three vectors, or a history's), by a blend of
-- three parts: content (cosine of the dense embeddings), creators (cosine of the sparse
-- creators vectors) and ratings (inner product of the collaborative factors over the query's
-- length), each in [-1, 1], weighted by the load's stored blend (similarity_blend, the row of
-- the `blend` parameter: 'similar' or 'history'; a w_* parameter overrides one weight).
-- Candidates: the nearest by the dense HNSW index and by the factors' HNSW index (iterative
-- scans, with every filter), and every film sharing one of the query's 32 heaviest creators
-- tokens (GIN on creator_keys: exact, where an HNSW index over sparse vectors found 45% of the
-- true top 20); all are ranked by the blend: best first, ties by id. Filters: labelled genres
-- overlapping {genres} (empty: any), the conditions of similar_filters, excluded ids. When
-- the genres match few movies (fewer than movierec.exact_below, counted in genre_counts),
-- every match is a candidate instead (similar_exact: GIN bitmap, exact).
-- A template, filled by movierec.query.similar.statement() with literals and only the given
-- filters (so that a prepared statement's generic plan sees the genres and a genre's partial
-- HNSW index, and no "x is null or" guesses) and by movierec_similar_to() for psql the same
-- way, with its filters guarded: {genres} the query genres (a text[] literal; the genres
-- parameter for several wide ones, whose one walk of the global index needs no literal, so
-- that one statement serves them all), {candidates} the rows an
-- index walk returns (4k, at least 40, for the blend to re-rank; k when the query has one
-- part, whose own order is the ranking), {filters} lines of similar_filters (each starting
-- "and"), {arms} the candidate arms, chosen from the genres' counts (genre_counts, read as
-- similar_genre_counts) and the parts the query has (a part's vector NULL: no arm, no cost):
-- similar_exact alone when the genres' films are few; else for the content
-- similar_content_walk (no genre, one, or several that are wide) or, for several genres, one
-- similar_content_genre for each that has an index of its own and one similar_content_small
-- for the rest; similar_creators; similar_ratings.
with weights as not materialized (
    -- No stored blend (a catalogue loaded before 0.10.0): the dense embedding alone. Not
    -- materialized: each use reads the one row by its key, 0.02-0.15 ms a query less than a
    -- CTE scan of it (17k films, p50 of 200).
    select coalesce(%(w_content)s::real, b.content, 1) as content,
           coalesce(%(w_creators)s::real, b.creators, 0) as creators,
           coalesce(%(w_ratings)s::real, b.ratings, 0) as ratings
      from (select 1) as one
      left join similarity_blend as b on b.blend = coalesce(%(blend)s::text, 'similar')
),
filtered as not materialized (
    -- Every column the ranking needs, carried from the index scans (no second lookup), and
    -- the row's address, by which the creators arm fetches its films.
    select m.id, m.title, m.year, m.genres, m.embedding, m.creators, m.creator_keys, m.factors,
           m.ctid
      from movies as m
     where (coalesce(cardinality({genres}), 0) = 0 or m.genres && {genres})
       and m.id is distinct from %(exclude_id)s::bigint
       {filters}
),
candidates as (
    -- The arms statement() chose, joined by "union all".
    {arms}
),
scored as (
    -- Each candidate once (two branches may both find it).
    select distinct on (c.id) c.id, c.title, c.year, c.genres,
           coalesce(1 - (c.embedding <=> %(embedding)s::vector), 0) as content,
           coalesce(1 - (c.creators <=> %(creators)s::sparsevec), 0) as creators,
           coalesce(-(c.factors <#> %(factors)s::vector)
                    / nullif(vector_norm(%(factors)s::vector), 0), 0) as ratings
      from candidates as c
     order by c.id
)
select s.id, s.title, s.year, s.genres,
       (w.content * s.content + w.creators * s.creators + w.ratings * s.ratings)::float8
           as score,
       s.content::float8 as content, s.creators::float8 as creators,
       s.ratings::float8 as ratings
  from scored as s
 cross join weights as w
 order by score desc, s.id
 limit %(k)s::int

-- name: similar_genre_counts
-- What statement() chooses the arms from: each labelled genre's films (genre_counts) and the
-- catalogue's size (the planner's count, at least 1). Read once a connection, again when the
-- catalogue changes (genre_counts notifies movierec_catalogue) or a minute has passed.
select (select greatest(c.reltuples, 1) from pg_class as c
         where c.oid = 'movies'::regclass)::float8 as movies,
       g.genre, g.movies as films
  from genre_counts as g

-- name: similar_exact
-- Every film of the query genres when they are few (fewer than movierec.exact_below films):
-- ranking them all (GIN bitmap) costs less than a walk of an index, and is exact.
(select f.* from filtered as f)

-- name: similar_content_walk
-- Content candidates from one index walk: for no genre or one (the planner matches one genre's
-- literal to the genre's own index), or several that are wide (share × genres ≥ 1: one walk
-- of the global index with the genres as a filter costs less than a walk a genre).
(select f.*
   from filtered as f
  order by f.embedding <=> %(embedding)s::vector
  limit {candidates})

-- name: similar_content_genre
-- Content candidates of one of several query genres ({genre}) that has an index of its own: a
-- walk of it, with no filter to pass. The top k of the union is the top k of the per-genre
-- top lists.
(select f.* from filtered as f
  where f.genres && {genre}
  order by f.embedding <=> %(embedding)s::vector
  limit {candidates})

-- name: similar_content_small
-- Content candidates of several query genres: every film of those too small for an index of
-- their own ({small}; GIN bitmap, exact), one arm for all of them.
(select f.* from filtered as f where f.genres && {small})

-- name: similar_creators
-- Creators candidates: films sharing one of the query's 32 heaviest tokens, found by the GIN
-- index alone (the genre index would only widen the bitmap) once a query (the array is an
-- InitPlan), then fetched by their row addresses (Tid Scan) with every filter. Up to 0014
-- the films were looked up by primary key (sample, 200 films: p50 0.15-0.5 ms more), and a
-- generic plan that misjudged a filter could re-run the GIN scan once a film (2 s).
(select f.*
   from filtered as f
  where (select creators from weights) > 0
    and f.ctid = any(array(
            select c.ctid
              from movies as c
             where c.creator_keys && movierec_sparse_keys(%(creators)s::sparsevec, 32))))

-- name: similar_ratings
-- Ratings candidates: the nearest by the factors' HNSW index (inner product), with every
-- filter.
(select f.*
   from filtered as f
  where (select ratings from weights) > 0
  order by f.factors <#> %(factors)s::vector
  limit {candidates})

-- name: similar_nothing
-- The one arm of a query with no vector at all: no candidates.
(select f.* from filtered as f where false)

-- name: similar_filters
-- The optional conditions of similar_to_vector, one a line, each on the parameter it names:
-- the statement keeps the lines whose parameter is given.
m.id <> all(%(exclude_ids)s::bigint[])
m.year >= %(year_from)s::int
m.year <= %(year_to)s::int
m.runtime_minutes >= %(runtime_min)s::int
m.runtime_minutes <= %(runtime_max)s::int
m.rating >= %(min_rating)s::real
m.votes >= %(min_votes)s::int
m.genres @> %(required_genres)s::text[]
not m.genres && %(excluded_genres)s::text[]
lower(m.language) = lower(%(language)s::text)
