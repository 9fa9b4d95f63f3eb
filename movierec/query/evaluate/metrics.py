"""Ranking metrics with 95% intervals: hit rate and NDCG at 10, over users or films."""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass

K = 10


@dataclass(frozen=True)
class Score:
    """HR@10, NDCG@10 (and recall@10 of the targets) over cases, with 95% half-widths."""

    cases: int
    hr: float
    hr_ci: float
    ndcg: float
    ndcg_ci: float
    recall: float

    def as_json(self) -> dict[str, float]:
        """The ``--json`` form."""
        return {
            "cases": self.cases,
            "hr_at_10": round(self.hr, 4),
            "hr_at_10_ci95": round(self.hr_ci, 4),
            "ndcg_at_10": round(self.ndcg, 4),
            "ndcg_at_10_ci95": round(self.ndcg_ci, 4),
            "recall_at_10": round(self.recall, 4),
        }


def mean_ci(values: Sequence[float]) -> tuple[float, float]:
    """The mean and the half-width of its 95% interval (normal approximation)."""
    n = len(values)
    if not n:
        return float("nan"), float("nan")
    mean = sum(values) / n
    if n < 2:
        return mean, float("nan")
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, 1.96 * math.sqrt(variance / n)


def score(rankings: Sequence[tuple[Sequence[int], Collection[int]]]) -> Score:
    """Scores of (ranked ids, relevant ids) pairs: a hit is any relevant id in the top 10;
    NDCG counts each relevant one found, against the best order of min(10, relevant)."""
    hits, gains, recalls = [], [], []
    for ranked, relevant in rankings:
        top = list(ranked)[:K]
        found = [1.0 if r in relevant else 0.0 for r in top]
        ideal = sum(1 / math.log2(i + 2) for i in range(min(K, len(relevant))))
        hits.append(1.0 if any(found) else 0.0)
        gains.append(
            sum(f / math.log2(i + 2) for i, f in enumerate(found)) / ideal if ideal else 0.0
        )
        recalls.append(sum(found) / min(K, len(relevant)) if relevant else 0.0)
    hr, hr_ci = mean_ci(hits)
    ndcg, ndcg_ci = mean_ci(gains)
    recall, _ = mean_ci(recalls)
    return Score(len(rankings), hr, hr_ci, ndcg, ndcg_ci, recall)
