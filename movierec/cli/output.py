"""How results are printed: plain text for people, ``--json`` for scripts."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from typing import Any


def echo(message: str = "") -> None:
    """One line on stdout (typer.echo without importing typer: `similar`'s start-up)."""
    sys.stdout.write(f"{message}\n")


def print_json(data: Any) -> None:
    """``data`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def print_load(result: Any) -> None:
    """The summary of a load: counts, rejects, notes, classifier scores, time per stage."""
    metrics = result.metrics
    merged = f", {result.merged:,} already loaded" if result.merged else ""
    echo(
        f"loaded {result.movies:,} movies from {result.source}{merged} "
        f"({result.labelled:,} with genres, {len(result.genres)} genres), "
        f"{result.ratings:,} ratings"
    )
    rejected = result.rejected
    if rejected["total"]:
        by_reason = ", ".join(f"{n:,} {reason}" for reason, n in rejected["by_reason"].items())
        echo(f"rejected {rejected['total']:,} rows: {by_reason}")
        for example in rejected["examples"]:
            echo(f"  {example}")
        if rejected["file"]:
            echo(f"  all rejected rows: {rejected['file']}")
    for note in result.notes:
        echo(f"note: {note}")
    if metrics.get("micro_f1") is not None:
        echo(
            f"genre classifier, held out ({metrics['test_movies']:,} movies, genre words "
            f"withheld): micro-F1 {metrics['micro_f1']:.3f}, macro-F1 {metrics['macro_f1']:.3f}"
        )
    stages = ", ".join(f"{name} {sec:.1f}s" for name, sec in result.seconds.items())
    echo(f"time: {sum(result.seconds.values()):.1f}s ({stages})")


def print_neighbours(
    neighbours: list[Any],
    reasons: dict[int, dict[str, Any]] | None,
    leaders: dict[int, list[dict[str, Any]]] | None = None,
) -> None:
    """A ranked list of movies (score: the blended similarity), with why each one came when
    ``reasons`` are given and which of a history's films led to it with ``leaders``."""
    width = max((len(n.title) for n in neighbours), default=10)
    for rank, n in enumerate(neighbours, start=1):
        echo(
            f"{rank:>3}. {n.title:<{width}}  {n.year or '':>4}  {n.score:.3f}  {', '.join(n.genres)}"
        )
        if reasons:
            echo(f"       why: {why(reasons[n.id])}")
        if leaders and leaders.get(n.id):
            films = ", ".join(f"{f['title']} ({f['year']})" for f in leaders[n.id])
            echo(f"       led by your: {films}")
    if not neighbours:
        echo("no movie passes the genre filter and the other filters")


def why(reason: dict[str, Any]) -> str:
    """One line of ``--explain``: the part that brought the film, then what it shares."""
    parts = reason["parts"]
    said = [
        f"{reason['because']} (content {parts['content']:.2f}, creators "
        f"{parts['creators']:.2f}, ratings {parts['ratings']:.2f})"
    ]
    for key, label in (
        ("shared_franchise", "title"),
        ("shared_directors", "director"),
        ("shared_writers", "writer"),
        ("shared_cast", "cast"),
        ("shared_genres", "genres"),
    ):
        if reason[key]:
            shown = reason[key][:3]
            more = f" (+{len(reason[key]) - 3})" if len(reason[key]) > 3 else ""
            said.append(f"{label} " + ", ".join(shown) + more)
    return "; ".join(said)


def print_history(kind: str, history: Any, rejects: list[Any]) -> None:
    """One line of what matched, then the unmatched rows by reason with a few examples."""
    info = history.report(kind, rejects)
    how = ", ".join(f"{n} by {k}" for k, n in sorted(info["matched_by"].items()))
    echo(
        f"{kind}: {info['matched']:,} of {info['rows']:,} rows matched ({how}); "
        f"{info['liked']:,} liked, {info['disliked']:,} disliked"
    )
    if info["unmatched"]:
        reasons = ", ".join(f"{n:,} {k}" for k, n in info["unmatched"].items())
        echo(f"not used: {reasons}")
        for example in info["unmatched_examples"][:5]:
            echo(f"  {example}")


def neighbours_json(
    neighbours: list[Any], reasons: dict[int, dict[str, Any]] | None
) -> list[dict[str, Any]]:
    """The ``--json`` rows of a ranked list."""
    rows = [asdict(n) for n in neighbours]
    if reasons:
        for row in rows:
            row["explain"] = reasons[row["id"]]
    return rows


def movie_json(movie: Any) -> dict[str, Any]:
    """The query movie in ``--json`` output."""
    data = asdict(movie)
    data.pop("director")
    return data


DETAIL_FIELDS = (
    "director",
    "writer",
    "runtime_minutes",
    "language",
    "country",
    "content_rating",
    "rating",
    "votes",
    "released",
    "imdb_id",
)


def print_show(info: dict[str, Any]) -> None:
    """One movie's stored details, genres with scores, and nearest neighbours."""
    scores = sorted(info["genre_scores"].items(), key=lambda kv: -kv[1])
    echo(f"{info['title']} ({info['year']})  id {info['id']}, {info['source']}:{info['source_id']}")
    for key in DETAIL_FIELDS:
        if info.get(key) not in (None, "", []):
            echo(f"  {key.replace('_', ' ')}: {info[key]}")
    if info["cast_members"]:
        echo(f"  cast: {', '.join(info['cast_members'][:8])}")
    echo(f"  genres: {', '.join(info['genres']) or '-'}")
    echo(f"  predicted: {', '.join(info['predicted_genres']) or '-'}")
    echo("  scores: " + ", ".join(f"{g} {p:.2f}" for g, p in scores[:8]))
    echo("  nearest: " + "; ".join(f"{n['title']} ({n['year']})" for n in info["neighbours"]))


def _score(s: dict[str, Any] | None) -> str:
    if not s:
        return "-"
    return (
        f"HR@10 {s['hr_at_10']:.3f} ± {s['hr_at_10_ci95']:.3f}  "
        f"NDCG@10 {s['ndcg_at_10']:.3f} ± {s['ndcg_at_10_ci95']:.3f}"
    )


def print_evaluate(result: dict[str, Any]) -> None:
    """Every figure of ``movierec evaluate``, each beside its baselines."""
    e = result["embedding"]
    blend = (e.get("blend") or {}).get("similar") or {}
    weights = ", ".join(f"{k} {v:g}" for k, v in blend.items())
    echo(
        f"vectors: {e['encoder']} content; creators; "
        + (
            f"collaborative factors for {e['rated_movies']:,} rated films"
            if e["collaborative"]
            else "no ratings"
        )
        + (f"; similar blend: {weights}" if weights else "")
    )
    c = result["classifier"]
    if c["micro_f1"] is None:
        echo("classifier: none (too few labelled movies); the labels are the prediction")
    else:
        echo(
            f"classifier (held out, {c['test_movies']} movies): micro-F1 {c['micro_f1']:.3f}, "
            f"macro-F1 {c['macro_f1']:.3f}"
        )
        echo("  " + ", ".join(f"{g} {f:.2f}" for g, f in c["per_genre"].items()))
    for kind, label in (("franchise", "franchise kin"), ("creators", "same-director kin")):
        k = (result.get("kin") or {}).get(kind)
        if not k:
            continue
        echo(
            f"{label} in the top 10 ({k['films_measured']:,} of {k['films_with_kin']:,} films; "
            "HR = any, recall = share of its kin):"
        )
        for name in ("similar", "tfidf"):
            s = k[name]
            echo(
                f"  {name:<14} HR@10 {s['hr_at_10']:.3f} ± {s['hr_at_10_ci95']:.3f}  "
                f"recall@10 {s['recall_at_10']:.3f}"
            )
    split = result.get("time_split")
    if split and "skipped" in split:
        echo(f"time split: skipped, {split['skipped']}")
    elif split:
        echo(
            f"time split ({split['users']} users; models trained on the first "
            f"{split['earlier_share']:.0%} of each user's ratings; a hit = a later like):"
        )
        for part, ours in (("item_to_item", "similar"), ("history", "recommend")):
            echo(f"  {part.replace('_', ' ')}:")
            for name, s in split[part].items():
                mark = "*" if name == ours else " "
                echo(f"   {mark}{name:<13} {_score(s)}")
    r = result["ranking"]
    if r is None:
        echo("leave-last-out: no ratings loaded")
    else:
        echo(f"leave-last-out over {r['users']} users (like = rating >= 4):")
        rows = [
            ("similar", r),
            ("popularity", r["baselines"]["popularity"]),
            ("random", r["baselines"]["random"]),
        ]
        for name, s in rows:
            echo(f"   {name:<13} {_score(s)}")
    echo(f"genre agreement (top-10 sharing a labelled genre): {result['genre_agreement']:.3f}")


def print_bench(report: dict[str, Any]) -> None:
    """The bench report: per size, the ingest and query figures; start-up; loads."""
    m = report["machine"]
    echo(
        f"{m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; PostgreSQL "
        f"{report['postgresql']}, pgvector {report['pgvector']}; "
        f"search settings {report['index']['search_settings']}; shared_buffers "
        f"{report['index'].get('shared_buffers')}; {report.get('vectors', {}).get('shape')} vectors"
    )
    for size in report["sizes"]:
        ingest = size["ingest"]
        idx = ingest["index_seconds"]
        genre_build = sum(v for k, v in idx.items() if k.startswith("movies_genre_hnsw_"))
        echo(
            f"\n{size['movies']:,} movies: COPY {ingest['copy_rows_per_second']:,} rows/s; "
            f"HNSW build {idx.get('movies_embedding_hnsw', float('nan')):.1f} s "
            f"({size['hnsw_index_mb']} MB); {size.get('genre_hnsw_indexes', 0)} genre HNSW "
            f"{genre_build:.1f} s ({size.get('genre_hnsw_mb', 0)} MB); GIN genres "
            f"{idx.get('movies_genres_gin', float('nan')):.1f} s; peak RSS {size['peak_rss_mb']} MB"
        )
        echo(
            f"  {'filter':<17} {'plan':<10} {'p50 ms':>7} {'p95':>7} {'p99':>7} {'recall':>7} "
            f"{'<k':>5}  {'bare p50':>8} {'recall':>7} {'x bare':>6}  {'lance p50':>9} "
            f"{'recall':>7}  {'numpy':>7}  {'x lance':>7}"
        )
        for _label, f in size["filters"].items():
            r, lance, bare = f["movierec"], f.get("lancedb"), f.get("bare_hnsw")
            bare_cols = (
                f"{bare['p50_ms']:>8.2f} {bare['recall_at_10']:>7.3f} "
                f"{f['movierec_over_bare']:>6.2f}"
                if bare
                else f"{'-':>8} {'-':>7} {'-':>6}"
            )
            lance_cols = (
                f"{lance['p50_ms']:>9.2f} {lance['recall_at_10']:>7.3f}"
                if lance
                else f"{'-':>9} {'-':>7}"
            )
            echo(
                f"  {f['genre'] + ' ' + format(f['selectivity'], '.1%'):<17} {f['plan']:<10} "
                f"{r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} {r['p99_ms']:>7.2f} "
                f"{r['recall_at_10']:>7.3f} {r['short_share']:>5.1%}  {bare_cols}  {lance_cols}  "
                f"{f['numpy_exact']['p50_ms']:>7.2f}  {f.get('speedup_vs_lancedb', '-'):>7}"
            )
        echo("  ef_search sweep (p50 ms / recall@10 / <k share):")
        for _label, f in size["filters"].items():
            cells = [
                f"{s['ef_search']}{' off' if s.get('iterative_scan') == 'off' else ''}: "
                f"{s['p50_ms']:.2f}/{s['recall_at_10']:.3f}/{s['short_share']:.0%}"
                for s in f["sweep"]
            ]
            echo(f"    {f['genre']:<10} " + "  ".join(cells))
    loaded = report.get("catalogue")
    if loaded:
        ours, bare, hybrid = loaded["movierec"], loaded["bare_hnsw"], loaded["bare_hybrid"]
        echo(
            f"\nthe loaded catalogue ({loaded['movies']:,} movies; {loaded['queries']} films of "
            f"their own {loaded['mean_genres']} genres, {loaded['with_creators']} with creators, "
            f"{loaded['with_factors']} with factors): similar p50 {ours['p50_ms']:.2f} ms, p95 "
            f"{ours['p95_ms']:.2f}, p99 {ours['p99_ms']:.2f}, recall@10 of the exact blend "
            f"{ours['recall_at_10']:.3f}; bare HNSW p50 {bare['p50_ms']:.2f} ms, recall@10 of "
            f"the exact dense top 10 {bare['recall_at_10']:.3f}; "
            f"{loaded['movierec_over_bare']:.2f}x bare; the bare two-index query (dense HNSW "
            f"and creators GIN, blended) p50 {hybrid['p50_ms']:.2f} ms, recall@10 of the exact "
            f"blend {hybrid['recall_at_10']:.3f}; {loaded['movierec_over_bare_hybrid']:.2f}x it"
        )
    start = report.get("startup")
    if start:
        similar_s = start["similar_seconds"]
        floor = start.get("psycopg_select_1_seconds")
        echo(
            f"\nstart-up (median of {start['runs']}, interleaved): --help {start['help_seconds']} s; "
            + (
                f"similar {similar_s} s, {start['similar_over_psycopg']}x python + psycopg + "
                f"select 1 ({floor} s)"
                if similar_s is not None and floor
                else "similar: nothing loaded"
            )
        )
    for load in report.get("loads", []):
        stages = ", ".join(f"{k} {v:.1f}" for k, v in load["seconds"].items() if v >= 0.05)
        echo(
            f"\nmovierec load of {load['movies']:,} movies ({load['file_mb']} MB JSONL): "
            f"{load['wall_seconds']} s wall, peak RSS {load['peak_rss_mb']:,.0f} MB "
            f"({load['peak_rss_per_file_byte']}x the file), micro-F1 {load['micro_f1']}\n"
            f"  seconds: {stages}\n"
            "  peak RSS by stage (MB): "
            + ", ".join(f"{k} {v:,.0f}" for k, v in load["peak_rss_by_stage_mb"].items())
        )


def print_serve_bench(report: dict[str, Any]) -> None:
    """The serve bench: each run's latency, throughput and errors."""

    def line(name: str, r: dict[str, Any]) -> str:
        return (
            f"{name:<22} {r['requests']:>7,} requests  {r['requests_per_second']:>7.1f}/s  "
            f"p50 {r['p50_ms']:>6.2f} ms  p99 {r['p99_ms']:>6.2f} ms  errors {r['errors']}"
        )

    echo(f"movierec serve, {report['workers']} worker(s): GET /api/v1/movies/{{id}}/similar")
    echo(line("one connection", report["sequential"]))
    echo(line(f"{report['concurrency']} connections", report["concurrent"]))
    rss = report["rss_mb"]
    served = report["sequential"]["requests"] + report["concurrent"]["requests"]
    echo(
        f"server RSS: {rss['warm']} MB warm, {rss['after_sequential']} MB after the first run, "
        f"{rss['after_concurrent']} MB after the second ({served:,} requests)"
    )
    if "reload" in report:
        r = report["reload"]
        echo(line("during a reload", r))
        echo(
            f"  {r['probe_answers']} answers for 50 probe films ({r['changed_probes']} changed by "
            f"the reload): {r['mixed_answers']} neither the old nor the new catalogue's"
        )
    if "restart" in report:
        r = report["restart"]
        echo(
            f"database restart: while down {r['while_down']}; after it was back {r['after_up']}; "
            f"first 200 after {r['seconds_to_first_200']} s"
        )
