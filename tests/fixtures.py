"""Small input files written to each format's published layout, traps included.

Thirty real films (title, year, genres, director, two cast members) feed every format, so a
load has enough labelled genres to train on.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

FILMS: list[tuple[str, int, list[str], str, list[str]]] = [
    (
        "The Matrix",
        1999,
        ["Action", "Sci-Fi", "Thriller"],
        "Lana Wachowski",
        ["Keanu Reeves", "Carrie-Anne Moss"],
    ),
    (
        "Toy Story",
        1995,
        ["Animation", "Comedy", "Family"],
        "John Lasseter",
        ["Tom Hanks", "Tim Allen"],
    ),
    (
        "Heat",
        1995,
        ["Action", "Crime", "Thriller"],
        "Michael Mann",
        ["Al Pacino", "Robert De Niro"],
    ),
    ("Alien", 1979, ["Horror", "Sci-Fi"], "Ridley Scott", ["Sigourney Weaver", "Tom Skerritt"]),
    (
        "Aliens",
        1986,
        ["Action", "Horror", "Sci-Fi"],
        "James Cameron",
        ["Sigourney Weaver", "Michael Biehn"],
    ),
    (
        "The Terminator",
        1984,
        ["Action", "Sci-Fi"],
        "James Cameron",
        ["Arnold Schwarzenegger", "Michael Biehn"],
    ),
    ("Titanic", 1997, ["Drama", "Romance"], "James Cameron", ["Leonardo DiCaprio", "Kate Winslet"]),
    (
        "Amélie",
        2001,
        ["Comedy", "Romance"],
        "Jean-Pierre Jeunet",
        ["Audrey Tautou", "Mathieu Kassovitz"],
    ),
    (
        "Les Misérables",
        1995,
        ["Drama"],
        "Claude Lelouch",
        ["Jean-Paul Belmondo", "Michel Boujenah"],
    ),
    (
        "El Niño",
        2014,
        ["Action", "Crime", "Thriller"],
        "Daniel Monzón",
        ["Luis Tosar", "Jesús Castro"],
    ),
    (
        "Casablanca",
        1942,
        ["Drama", "Romance", "War"],
        "Michael Curtiz",
        ["Humphrey Bogart", "Ingrid Bergman"],
    ),
    (
        "Fargo",
        1996,
        ["Comedy", "Crime", "Drama"],
        "Joel Coen",
        ["Frances McDormand", "William H. Macy"],
    ),
    ("The Big Lebowski", 1998, ["Comedy", "Crime"], "Joel Coen", ["Jeff Bridges", "John Goodman"]),
    (
        "Se7en",
        1995,
        ["Crime", "Mystery", "Thriller"],
        "David Fincher",
        ["Brad Pitt", "Morgan Freeman"],
    ),
    ("Fight Club", 1999, ["Drama", "Thriller"], "David Fincher", ["Brad Pitt", "Edward Norton"]),
    (
        "Jurassic Park",
        1993,
        ["Adventure", "Sci-Fi", "Thriller"],
        "Steven Spielberg",
        ["Sam Neill", "Laura Dern"],
    ),
    (
        "Jaws",
        1975,
        ["Adventure", "Horror", "Thriller"],
        "Steven Spielberg",
        ["Roy Scheider", "Robert Shaw"],
    ),
    (
        "E.T. the Extra-Terrestrial",
        1982,
        ["Family", "Sci-Fi"],
        "Steven Spielberg",
        ["Henry Thomas", "Drew Barrymore"],
    ),
    (
        "The Shining",
        1980,
        ["Horror", "Mystery"],
        "Stanley Kubrick",
        ["Jack Nicholson", "Shelley Duvall"],
    ),
    (
        "Full Metal Jacket",
        1987,
        ["Drama", "War"],
        "Stanley Kubrick",
        ["Matthew Modine", "R. Lee Ermey"],
    ),
    ("Annie Hall", 1977, ["Comedy", "Romance"], "Woody Allen", ["Woody Allen", "Diane Keaton"]),
    (
        "Manhattan",
        1979,
        ["Comedy", "Drama", "Romance"],
        "Woody Allen",
        ["Woody Allen", "Diane Keaton"],
    ),
    (
        "Unforgiven",
        1992,
        ["Drama", "Western"],
        "Clint Eastwood",
        ["Clint Eastwood", "Gene Hackman"],
    ),
    (
        "Finding Nemo",
        2003,
        ["Animation", "Comedy", "Family"],
        "Andrew Stanton",
        ["Albert Brooks", "Ellen DeGeneres"],
    ),
    ("Up", 2009, ["Animation", "Adventure", "Family"], "Pete Docter", ["Ed Asner", "Jordan Nagai"]),
    ("Goodfellas", 1990, ["Crime", "Drama"], "Martin Scorsese", ["Robert De Niro", "Ray Liotta"]),
    (
        "Taxi Driver",
        1976,
        ["Crime", "Drama"],
        "Martin Scorsese",
        ["Robert De Niro", "Jodie Foster"],
    ),
    (
        "Psycho",
        1960,
        ["Horror", "Mystery", "Thriller"],
        "Alfred Hitchcock",
        ["Anthony Perkins", "Janet Leigh"],
    ),
    (
        "Vertigo",
        1958,
        ["Mystery", "Romance", "Thriller"],
        "Alfred Hitchcock",
        ["James Stewart", "Kim Novak"],
    ),
    ("Hamlet", 1996, ["Drama"], "Kenneth Branagh", ["Kenneth Branagh", "Kate Winslet"]),
]

# Titles as MovieLens writes them: trailing article, year in brackets.
ML_TITLES = {
    "The Matrix": "Matrix, The",
    "Les Misérables": "Misérables, Les",
    "El Niño": "Niño, El",
    "The Big Lebowski": "Big Lebowski, The",
    "The Terminator": "Terminator, The",
    "The Shining": "Shining, The",
}


def _imdb(i: int) -> str:
    return f"tt{1000000 + i:07d}"


def _lit(items: list[dict[str, object]]) -> str:
    return repr(items)


def write_tmdb(folder: Path) -> Path:
    """movies_metadata.csv (+ credits.csv, keywords.csv) with the real file's traps:

    three records split by a newline in the overview (head and shifted tail, the tail with a
    date as id and a .jpg path in budget), two repeated ids (one copy disagrees), a missing
    title, an empty genre list, and a genres literal that tries to run code.
    """
    folder.mkdir(parents=True, exist_ok=True)
    header = [
        "adult",
        "belongs_to_collection",
        "budget",
        "genres",
        "homepage",
        "id",
        "imdb_id",
        "original_language",
        "original_title",
        "overview",
        "popularity",
        "poster_path",
        "production_companies",
        "production_countries",
        "release_date",
        "revenue",
        "runtime",
        "spoken_languages",
        "status",
        "tagline",
        "title",
        "video",
        "vote_average",
        "vote_count",
    ]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)

    def row(i: int, title: str, year: int, genres: list[str], **extra: str) -> list[str]:
        values = {
            "adult": "False",
            "belongs_to_collection": "",
            "budget": "1000000",
            "genres": _lit([{"id": 10 + j, "name": g} for j, g in enumerate(genres)]),
            "homepage": "",
            "id": str(100 + i),
            "imdb_id": _imdb(i),
            "original_language": "en",
            "original_title": title,
            "overview": f"A film about {title.lower()}, with a twist.",
            "popularity": "7.5",
            "poster_path": f"/p{i}.jpg",
            "production_companies": _lit([{"name": "Studio", "id": 1}]),
            "production_countries": _lit(
                [{"iso_3166_1": "US", "name": "United States of America"}]
            ),
            "release_date": f"{year}-06-01",
            "revenue": "5000000",
            "runtime": "101.0",
            "spoken_languages": _lit([{"iso_639_1": "en", "name": "English"}]),
            "status": "Released",
            "tagline": f"{title}: the tagline.",
            "title": title,
            "video": "False",
            "vote_average": "7.1",
            "vote_count": "1200",
        }
        values.update(extra)
        return [values[h] for h in header]

    for i, (title, year, genres, _, _) in enumerate(FILMS):
        writer.writerow(row(i, title, year, genres))
    # Repeated ids: an identical copy, and one that disagrees (the first copy wins).
    writer.writerow(row(0, "The Matrix", 1999, FILMS[0][2]))
    writer.writerow(row(1, "Toy Story (copy that disagrees)", 1996, ["Drama"]))
    writer.writerow(row(40, "", 2000, ["Drama"]))  # missing title
    writer.writerow(row(41, "No Genres Yet", 2001, []))  # genres = []
    evil = row(42, "Evil Literal", 2002, ["Drama"])
    evil[header.index("genres")] = "__import__('os').system('touch /tmp/movierec-pwned')"
    writer.writerow(evil)
    text = out.getvalue()
    # Records split by a raw newline inside an unquoted overview; the tail shifts left.
    for n, date in enumerate(["1997-08-20", "2012-09-29", "2014-01-01"]):
        head = [
            "False",
            "",
            "0",
            _lit([{"id": 18, "name": "Drama"}]),
            "",
            str(900 + n),
            _imdb(90 + n),
            "en",
            f"Split {n}",
            "An overview that breaks",
        ]
        tail = [
            f" - Written by Ørnås {n}",
            "0.065736",
            "/ff9qCepilowshEtG2GYWwzt2bs4.jpg",
            _lit([{"name": "Carousel Productions", "id": 11176}]),
            _lit([{"iso_3166_1": "CA", "name": "Canada"}]),
            date,
            "0",
            "104.0",
            _lit([{"iso_639_1": "en", "name": "English"}]),
            "Released",
            "",
            f"Split {n}",
            "False",
            "6.0",
            "1",
        ]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(head)
        text += buffer.getvalue()
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(tail)
        text += buffer.getvalue()
    (folder / "movies_metadata.csv").write_text(text, encoding="utf-8")

    with (folder / "credits.csv").open("w", encoding="utf-8", newline="") as handle:
        credits = csv.writer(handle)
        credits.writerow(["cast", "crew", "id"])
        for i, (_, _, _, director, cast) in enumerate(FILMS):
            credits.writerow(
                [
                    _lit(
                        [
                            {"cast_id": k, "character": "X", "name": name, "order": k}
                            for k, name in enumerate(cast)
                        ]
                    ),
                    _lit(
                        [
                            {"department": "Directing", "job": "Director", "name": director},
                            {"department": "Writing", "job": "Screenplay", "name": "A. Writer"},
                        ]
                    ),
                    str(100 + i),
                ]
            )
    with (folder / "keywords.csv").open("w", encoding="utf-8", newline="") as handle:
        keywords = csv.writer(handle)
        keywords.writerow(["id", "keywords"])
        for i, (title, *_rest) in enumerate(FILMS):
            keywords.writerow(
                [
                    str(100 + i),
                    _lit(
                        [
                            {"id": 1, "name": "based on novel"},
                            {"id": 2, "name": f"kw {title.lower()}"},
                        ]
                    ),
                ]
            )
    return folder / "movies_metadata.csv"


ML100K_GENRES = [
    "unknown",
    "Action",
    "Adventure",
    "Animation",
    "Children's",
    "Comedy",
    "Crime",
    "Documentary",
    "Drama",
    "Fantasy",
    "Film-Noir",
    "Horror",
    "Musical",
    "Mystery",
    "Romance",
    "Sci-Fi",
    "Thriller",
    "War",
    "Western",
]


def _ml_title(title: str, year: int) -> str:
    return f"{ML_TITLES.get(title, title)} ({year})"


def _ratings(n_movies: int) -> list[tuple[int, int, float]]:
    """(user, movie, rating): 12 users, each rating a deterministic spread of movies."""
    out = []
    for user in range(1, 13):
        for movie in range(1, n_movies + 1):
            if (user * 7 + movie * 3) % 4 == 0:
                out.append((user, movie, float(1 + (user + movie) % 5)))
    return out


def write_ml100k(folder: Path) -> Path:
    """u.item (latin-1, 19 genre flags) with an 'unknown' row, and u.data with an unknown movie."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for i, (title, year, genres, _, _) in enumerate(FILMS, start=1):
        flags = [
            "1" if g in genres or (g == "Children's" and "Family" in genres) else "0"
            for g in ML100K_GENRES
        ]
        lines.append(
            "|".join(
                [
                    str(i),
                    _ml_title(title, year),
                    f"01-Jan-{year}",
                    "",
                    f"http://us.imdb.com/M/title-exact?{i}",
                    *flags,
                ]
            )
        )
    lines.append("|".join(["267", "unknown", "", "", "", "1", *["0"] * 18]))
    (folder / "u.item").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    ratings = [
        f"{u}\t{m}\t{int(r)}\t{881250949 + u * 1000 + m}" for u, m, r in _ratings(len(FILMS))
    ]
    ratings.append("5\t9999\t4\t881250949")  # a movie that is not in u.item
    (folder / "u.data").write_text("\n".join(ratings) + "\n", encoding="latin-1")
    return folder / "u.item"


def write_ml1m(folder: Path) -> Path:
    """movies.dat and ratings.dat, '::'-separated, latin-1."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"{i}::{_ml_title(t, y)}::{'|'.join(g)}" for i, (t, y, g, _, _) in enumerate(FILMS, start=1)
    ]
    (folder / "movies.dat").write_bytes(("\n".join(lines) + "\n").encode("latin-1"))
    ratings = [f"{u}::{m}::{int(r)}::{978300760 + m}" for u, m, r in _ratings(len(FILMS))]
    (folder / "ratings.dat").write_text("\n".join(ratings) + "\n", encoding="latin-1")
    return folder / "movies.dat"


def write_ml_latest(folder: Path) -> Path:
    """movies.csv (UTF-8, quoted titles), ratings.csv with a repeated rating, links.csv."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "movies.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["movieId", "title", "genres"])
        for i, (title, year, genres, _, _) in enumerate(FILMS, start=1):
            writer.writerow([i, _ml_title(title, year), "|".join(genres)])
        writer.writerow(
            [
                500,
                "City of Lost Children, The (Cité des enfants perdus, La) (1995)",
                "Adventure|Drama|Fantasy|Mystery|Sci-Fi",
            ]
        )
        writer.writerow([501, "Pirates (2014)", "(no genres listed)"])
    with (folder / "ratings.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["userId", "movieId", "rating", "timestamp"])
        for u, m, r in _ratings(len(FILMS)):
            writer.writerow([u, m, r - 0.5 if m % 2 else r, 1260759144 + m])
        writer.writerow([1, 3, 5.0, 1260759999])  # user 1 rates movie 3 again: the later one wins
    with (folder / "links.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["movieId", "imdbId", "tmdbId"])
        for i in range(1, len(FILMS) + 1):
            writer.writerow([i, _imdb(i - 1)[2:], 100 + i - 1])
    return folder / "movies.csv"


def write_mapped_csv(path: Path) -> Path:
    """A CSV with its own column names (name, tags, released), for --map and --genre-sep."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "tags", "released", "made_by"])
        for i, (title, year, genres, director, _) in enumerate(FILMS):
            writer.writerow([f"c{i}", title, ";".join(genres), f"{year}-05-01", director])
        writer.writerow(["c99", "", "Drama", "2000-01-01", "Nobody"])
    return path


# Viewing histories, each written to its export's published columns, over films of the
# 1996-1999 slice of the sample (tests/integration/conftest.py): liked, disliked, unmatched
# (a film outside the slice, a made-up one) and malformed rows.
HISTORY_FILMS = [
    # (title, year, imdb id, rating of 5)
    ("The Matrix", 1999, "tt0133093", 5.0),
    ("Fargo", 1996, "tt0116282", 4.5),
    ("The Big Lebowski", 1998, "tt0118715", 4.0),
    ("Titanic", 1997, "tt0120338", 1.0),  # a dislike
    ("Hamlet", 1996, "tt0116477", 3.0),  # neither
    ("The Godfather", 1972, "tt0068646", 5.0),  # not in the slice: not in the catalogue
    ("A Film Nobody Made", 1997, "tt9999999", 4.0),  # in no catalogue
]


def write_letterboxd(folder: Path) -> Path:
    """A Letterboxd export ZIP: ratings.csv, watched.csv and diary.csv, and the same three
    files beside it. Diary has a rewatch; watched has a film with no rating; ratings has a
    row with a bad rating and one with no name."""
    import zipfile

    folder.mkdir(parents=True, exist_ok=True)
    uri = "https://boxd.it/{}"
    ratings = io.StringIO()
    w = csv.writer(ratings, lineterminator="\n")
    w.writerow(["Date", "Name", "Year", "Letterboxd URI", "Rating"])
    for i, (title, year, _, rating) in enumerate(HISTORY_FILMS):
        w.writerow([f"2024-01-{i + 10:02d}", title, year, uri.format(i), rating])
    w.writerow(["2024-02-01", "Scream", "1996", uri.format(90), "6"])  # outside 0.5-5
    w.writerow(["2024-02-02", "", "1996", uri.format(91), "3"])  # no name
    watched = io.StringIO()
    w = csv.writer(watched, lineterminator="\n")
    w.writerow(["Date", "Name", "Year", "Letterboxd URI"])
    for i, (title, year, _, _) in enumerate(HISTORY_FILMS):
        w.writerow([f"2024-01-{i + 1:02d}", title, year, uri.format(i)])
    w.writerow(["2024-01-20", "Good Will Hunting", "1997", uri.format(20)])  # watched only
    diary = io.StringIO()
    w = csv.writer(diary, lineterminator="\n")
    w.writerow(
        ["Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date"]
    )
    w.writerow(["2024-03-01", "The Matrix", "1999", uri.format(0), "5", "Yes", "", "2024-02-28"])
    w.writerow(["2024-03-02", "Fargo", "1996", uri.format(1), "4.5", "", "", "2024-03-01"])
    for name, text in (
        ("ratings.csv", ratings.getvalue()),
        ("watched.csv", watched.getvalue()),
        ("diary.csv", diary.getvalue()),
    ):
        (folder / name).write_text(text, encoding="utf-8")
    path = folder / "letterboxd-export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in ("ratings.csv", "watched.csv", "diary.csv"):
            archive.write(folder / name, name)
        archive.writestr("profile.csv", "Date Joined,Username\n2020-01-01,someone\n")
    return path


IMDB_HEADER = [
    "Const", "Your Rating", "Date Rated", "Title", "Original Title", "URL", "Title Type",
    "IMDb Rating", "Runtime (mins)", "Year", "Genres", "Num Votes", "Release Date", "Directors",
]  # fmt: skip


def write_imdb(path: Path, original_title: bool = True) -> Path:
    """An IMDb ratings export (1-10), with a TV series and a malformed row; older exports
    lack Original Title."""
    header = IMDB_HEADER if original_title else [h for h in IMDB_HEADER if h != "Original Title"]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(header)
    for i, (title, year, imdb, rating) in enumerate(HISTORY_FILMS):
        row = {
            "Const": imdb,
            "Your Rating": str(int(rating * 2)),
            "Date Rated": f"2023-05-{i + 1:02d}",
            "Title": title,
            "Original Title": title,
            "URL": f"https://www.imdb.com/title/{imdb}/",
            "Title Type": "Movie",
            "IMDb Rating": "7.5",
            "Runtime (mins)": "120",
            "Year": str(year),
            "Genres": "Drama",
            "Num Votes": "1000",
            "Release Date": f"{year}-01-01",
            "Directors": "Someone",
        }
        w.writerow([row[h] for h in header])
    series = dict(zip(header, [""] * len(header), strict=True))
    series.update({"Const": "tt0903747", "Your Rating": "10", "Title": "Breaking Bad",
                   "Title Type": "TV Series", "Year": "2008"})  # fmt: skip
    w.writerow([series[h] for h in header])
    w.writerow(["tt0117571", "eight", "2023-06-01"])  # too few fields
    path.write_text(out.getvalue(), encoding="utf-8")
    return path


def write_trakt(folder: Path) -> tuple[Path, Path]:
    """Trakt's ratings-movies.json (1-10) and watched-movies.json, with an entry without a
    movie."""
    import json

    folder.mkdir(parents=True, exist_ok=True)
    ratings = [
        {
            "rated_at": f"2022-0{1 + i % 9}-01T20:00:00.000Z",
            "rating": int(rating * 2),
            "type": "movie",
            "movie": {
                "title": title,
                "year": year,
                "ids": {"trakt": 100 + i, "slug": title.lower().replace(" ", "-"), "imdb": imdb,
                        "tmdb": 200 + i},
            },
        }
        for i, (title, year, imdb, rating) in enumerate(HISTORY_FILMS)
    ]  # fmt: skip
    ratings.append({"rated_at": "2022-09-09T00:00:00.000Z", "rating": 7, "type": "movie"})
    watched = [
        {
            "plays": 2,
            "last_watched_at": "2022-10-01T21:00:00.000Z",
            "last_updated_at": "2022-10-01T21:00:00.000Z",
            "movie": {"title": "Good Will Hunting", "year": 1997, "ids": {"imdb": "tt0119217"}},
        }
    ]
    ratings_path = folder / "ratings-movies.json"
    watched_path = folder / "watched-movies.json"
    ratings_path.write_text(json.dumps(ratings), encoding="utf-8")
    watched_path.write_text(json.dumps(watched), encoding="utf-8")
    return ratings_path, watched_path


def write_plain_history(path: Path) -> Path:
    """A CSV of title, year and rating (0-5): no imdb ids, so titles match (Titanic a year
    off, and a namesake of 1943 in the catalogue), with a bad year."""
    lines = ["title,year,rating"]
    for title, year, _, rating in HISTORY_FILMS:
        lines.append(f"{title},{year + 1 if title == 'Titanic' else year},{rating}")
    lines.append("Scream,nineteen,4")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
