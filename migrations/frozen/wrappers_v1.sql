-- Frozen for migration 0006's downgrade: similar_movies_by_id() and similar_movies() as 0001
-- created them, recommend_movies() as 0003 did. Never edit.

create or replace function similar_movies_by_id(movie_id bigint, k integer default 10)
        returns table (id bigint, title text, year integer, genres text[],
                       distance double precision)
        language sql stable
        as $body$
            select s.id, s.title, s.year, s.genres, s.distance
              from movies as q
             cross join lateral movierec_similar_to(q.embedding, q.predicted_genres, q.id, k) as s
             where q.id = movie_id
             order by s.distance, s.id
        $body$;

create or replace function similar_movies(
            query_title text, k integer default 10, query_year integer default null)
        returns table (id bigint, title text, year integer, genres text[],
                       distance double precision)
        language plpgsql stable
        as $body$
        #variable_conflict use_column
        declare
            matches bigint[];
            listing text;
        begin
            select array_agg(m.id order by m.year nulls last, m.id) into matches
              from movies as m
             where lower(m.title) = lower(query_title)
               and (query_year is null or m.year = query_year);
            if matches is null then
                select string_agg(format('%s (%s)', c.title, c.year), ', ') into listing
                  from (select m.title, m.year from movies as m
                         order by word_similarity(query_title, m.title) desc, m.id
                         limit 5) as c;
                raise exception 'no movie titled "%"', query_title
                    using errcode = 'no_data_found', hint = 'closest titles: ' || coalesce(listing, 'none');
            elsif cardinality(matches) > 1 then
                select string_agg(format('%s (%s, %s)', m.title, m.year, m.director), ', ')
                  into listing
                  from movies as m where m.id = any(matches);
                raise exception '% movies are titled "%"', cardinality(matches), query_title
                    using errcode = 'cardinality_violation',
                          hint = 'pass the year as the third argument: ' || listing;
            end if;
            return query select * from similar_movies_by_id(matches[1], k);
        end
        $body$;

create function recommend_movies(
            liked text[], disliked text[] default '{}', k integer default 10)
        returns table (id bigint, title text, year integer, genres text[],
                       distance double precision)
        language plpgsql stable
        as $body$
        declare
            liked_ids bigint[];
            disliked_ids bigint[];
            taste record;
        begin
            if coalesce(cardinality(liked), 0) = 0 then
                raise exception 'recommend_movies needs at least one liked title'
                    using errcode = 'invalid_parameter_value';
            end if;
            select array_agg(movierec_resolve_title(t)) into liked_ids from unnest(liked) as t;
            select coalesce(array_agg(movierec_resolve_title(t)), '{}') into disliked_ids
              from unnest(disliked) as t;
            select * into taste from movierec_taste(liked_ids, disliked_ids);
            return query
                select * from movierec_similar_to(
                    taste.embedding, taste.genres, null, k,
                    exclude_ids => liked_ids || disliked_ids);
        end
        $body$;
