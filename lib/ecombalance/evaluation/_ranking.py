"""Ranking metrics for search logs: NDCG@k, MRR and recall@k per query and averaged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ecombalance.data._loaders import ESCI_GAINS  # E 1.0, S 0.1, C 0.01, I 0.0


def per_query_ranking(
    frame: pd.DataFrame,
    query_col: str = "query_id",
    label_col: str = "esci_label",
    score_col: str = "score",
    k: int = 10,
    gains: Mapping[Any, float] | None = ESCI_GAINS,
    relevant: Sequence = ("E",),
) -> pd.DataFrame:
    r"""NDCG@k, reciprocal rank and recall@k of each query (index: query id).

    Items of a query are ranked by ``score`` (descending; ties are broken pessimistically, lower gain
    first, so a constant score earns no credit). With linear gains :math:`g` (ESCI: E 1, S 0.1, C 0.01,
    I 0; ``gains=None`` reads ``label_col`` as numeric gains):

    .. math:: \mathrm{DCG@k} = \sum_{r=1}^{k} \frac{g_r}{\log_2(r+1)}, \qquad
              \mathrm{NDCG@k} = \mathrm{DCG@k} / \mathrm{IDCG@k}

    with IDCG@k the DCG of the query's own items sorted by their true gain. Reciprocal rank is
    :math:`1/r` of the first item whose label is in ``relevant`` (default: Exact); recall@k the share of
    the query's relevant items in its top k.

    Undefined values are NaN: NDCG where IDCG = 0 (no item with a positive gain); reciprocal rank and
    recall@k where the query has no relevant item. :func:`ranking_metrics` decides how to average them.
    Columns: ``ndcg@k``, ``mrr``, ``recall@k``, ``n_items``, ``n_relevant``.
    """
    missing = [c for c in (query_col, label_col, score_col) if c not in frame.columns]
    if missing:
        raise ValueError(f"frame has no column(s) {missing}; pass query_col=, label_col=, score_col=")
    if not isinstance(k, (int, np.integer)) or k < 1:
        raise ValueError(f"k must be a positive integer, got {k!r}")
    if frame.empty:
        raise ValueError("frame is empty: no queries to score")
    for col in (query_col, label_col, score_col):
        if frame[col].isna().any():
            raise ValueError(f"column {col!r} has {int(frame[col].isna().sum())} missing value(s)")
    if gains is None:
        gain = pd.to_numeric(frame[label_col], errors="raise").to_numpy(dtype=float)
    else:
        unknown = sorted(set(frame[label_col].unique()) - set(gains), key=str)
        if unknown:
            raise ValueError(f"labels {unknown[:5]} have no gain; gains maps {list(gains)}")
        gain = frame[label_col].map(gains).to_numpy(dtype=float)
    data = pd.DataFrame({
        "q": frame[query_col].to_numpy(), "gain": gain, "score": frame[score_col].to_numpy(dtype=float),
        "rel": frame[label_col].isin(list(relevant)).to_numpy(),
    })
    ranked = data.sort_values(["q", "score", "gain"], ascending=[True, False, True], kind="stable")
    ranked["rank"] = ranked.groupby("q", sort=False).cumcount() + 1
    ranked["disc"] = 1.0 / np.log2(ranked["rank"] + 1.0)
    ideal = data.sort_values(["q", "gain"], ascending=[True, False], kind="stable")
    ideal["rank"] = ideal.groupby("q", sort=False).cumcount() + 1
    top = ranked[ranked["rank"] <= k]
    dcg = (top["gain"] * top["disc"]).groupby(top["q"]).sum()
    itop = ideal[ideal["rank"] <= k]
    idcg = (itop["gain"] / np.log2(itop["rank"] + 1.0)).groupby(itop["q"]).sum()
    n_items = data.groupby("q").size()
    n_relevant = data.groupby("q")["rel"].sum()
    first_rank = ranked[ranked["rel"]].groupby("q")["rank"].min()
    hits = top[top["rel"]].groupby("q").size()
    out = pd.DataFrame(index=n_items.index)
    out.index.name = query_col
    out[f"ndcg@{k}"] = (dcg / idcg.where(idcg > 0)).reindex(out.index)
    out["mrr"] = (1.0 / first_rank).reindex(out.index)
    out[f"recall@{k}"] = (hits.reindex(out.index, fill_value=0) / n_relevant.where(n_relevant > 0))
    out["n_items"] = n_items
    out["n_relevant"] = n_relevant.astype(int)
    return out


def ranking_metrics(
    frame: pd.DataFrame,
    query_col: str = "query_id",
    label_col: str = "esci_label",
    score_col: str = "score",
    k: int = 10,
    gains: Mapping[Any, float] | None = ESCI_GAINS,
    relevant: Sequence = ("E",),
    no_relevant: str = "exclude",
) -> dict[str, float]:
    r"""Compute NDCG@k, MRR and recall@k per query and average them over the queries.

    Items of a query are ranked by ``score`` (descending; ties are broken pessimistically, lower gain first, so a
    constant score earns no credit). With linear gains :math:`g` (ESCI: E 1, S 0.1, C 0.01, I 0):

    .. math:: \mathrm{DCG@k} = \sum_{r=1}^{k} \frac{g_r}{\log_2(r+1)}, \qquad
              \mathrm{NDCG@k} = \mathrm{DCG@k} / \mathrm{IDCG@k}

    with IDCG@k the DCG of the query's own items sorted by their true gain. Reciprocal rank is :math:`1/r` of the
    first item whose label is in ``relevant``; recall@k the share of the query's relevant items in its top k
    (the per-query values: ``per_query_ranking``).

    Parameters
    ----------
    frame : DataFrame
        One row per (query, item) with the columns below.
    query_col, label_col, score_col : str, default="query_id", "esci_label", "score"
        The query id, the relevance label and the ranker's score.
    k : int, default=10
        The cut-off of NDCG@k and recall@k.
    gains : mapping label -> gain or None, default=ESCI_GAINS
        The gain of each label; None reads ``label_col`` as numeric gains.
    relevant : sequence, default=("E",)
        The labels that count as relevant for MRR and recall@k (default: Exact).
    no_relevant : {"exclude", "zero"}, default="exclude"
        What a query without a relevant item (or, for NDCG, without any positive gain) contributes:
        ``"exclude"`` leaves it out of that metric's mean — it has nothing to find, so it says nothing about the
        ranker — while ``"zero"`` scores it 0.

    Returns
    -------
    dict of str to float
        ``ndcg@k``, ``mrr``, ``recall@k`` (NaN when no query defines them) and the counts ``n_queries``,
        ``n_queries_without_relevant`` and ``n_queries_without_gain``.

    Raises
    ------
    ValueError
        For a missing column, missing values, a label without a gain, an empty frame, a ``k`` that is not a
        positive integer or an unknown ``no_relevant``.

    Examples
    --------
    >>> import pandas as pd
    >>> from ecombalance.evaluation import ranking_metrics
    >>> frame = pd.DataFrame({"query_id": [1, 1, 1, 2, 2], "esci_label": ["E", "I", "S", "I", "E"],
    ...                       "score": [0.9, 0.5, 0.2, 0.8, 0.3]})
    >>> {key: round(value, 3) for key, value in ranking_metrics(frame, k=2).items()}
    {'ndcg@2': 0.786, 'mrr': 0.75, 'recall@2': 1.0, 'n_queries': 2.0, 'n_queries_without_relevant': 0.0,
     'n_queries_without_gain': 0.0}
    """
    if no_relevant not in ("exclude", "zero"):
        raise ValueError(f"no_relevant must be 'exclude' or 'zero', got {no_relevant!r}")
    per_query = per_query_ranking(frame, query_col, label_col, score_col, k, gains, relevant)
    out: dict[str, float] = {}
    for col in (f"ndcg@{k}", "mrr", f"recall@{k}"):
        values = per_query[col] if no_relevant == "exclude" else per_query[col].fillna(0.0)
        out[col] = float(values.mean()) if values.notna().any() else float("nan")
    out["n_queries"] = float(len(per_query))
    out["n_queries_without_relevant"] = float((per_query["n_relevant"] == 0).sum())
    out["n_queries_without_gain"] = float(per_query[f"ndcg@{k}"].isna().sum())
    return out
