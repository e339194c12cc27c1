"""Preprocessing: cleaning with a report, feature engineering and fusion, leakage-safe splits.

- :func:`clean` removes exact and near-duplicate rows, rows without a label and constant or empty
  columns, counts missing values and outliers, and returns a :class:`CleaningReport` saying what it
  removed and why: nothing is dropped silently.
- :func:`ecombalance.models._features.make_preprocessor` fuses text (TF-IDF or pretrained embeddings), numeric (imputed, log for
  skewed counts, scaled) and categorical (one-hot) features in one scikit-learn ``ColumnTransformer``.
  Like any transformer it must be fitted on training data only: put it in a pipeline.
- :func:`stratified_split` and :func:`group_split` keep the class distribution, or keep each query on
  one side.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from ecombalance.data._privacy import protect_identifiers
from ecombalance.data._table import Table
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_


@dataclass
class CleaningReport:
    """What :func:`clean` did. ``removed_rows`` maps a reason to a row count; ``removed_columns``
    maps a column to the reason; ``missing`` and ``outliers`` count cells per column."""

    rows_in: int
    rows_out: int = 0
    removed_rows: dict[str, int] = field(default_factory=dict)
    removed_columns: dict[str, str] = field(default_factory=dict)
    hashed_columns: dict[str, str] = field(default_factory=dict)
    missing: dict[str, int] = field(default_factory=dict)
    outliers: dict[str, int] = field(default_factory=dict)
    outlier_action: str = "report"

    def as_frame(self) -> pd.DataFrame:
        """One row per action: what, where, how many, why (in the current language, :mod:`ecombalance.i18n`)."""
        rows = [(_("rows removed"), _(reason), n, "") for reason, n in self.removed_rows.items()]
        rows += [(_("column removed"), col, 1, _(why)) for col, why in self.removed_columns.items()]
        rows += [(_("column protected"), col, 1, why) for col, why in self.hashed_columns.items()]
        rows += [(_("missing values"), col, n, _("imputed inside the pipeline, fitted on training data"))
                 for col, n in self.missing.items() if n]
        outlier_what = {"report": _("counted, kept"), "clip": _("clipped to the fences"), "drop": _("rows removed")}
        rows += [(_("outliers (robust z > 5)"), col, n, outlier_what[self.outlier_action])
                 for col, n in self.outliers.items() if n]
        return pd.DataFrame(rows, columns=["action", "where", "count", "note"])

    def __str__(self) -> str:
        removed = sum(self.removed_rows.values())
        return (f"{self.rows_in} rows in, {self.rows_out} out ({removed} removed: {self.removed_rows}); "
                f"columns removed: {self.removed_columns or 'none'}")


def _normalise_text(series: pd.Series) -> pd.Series:
    text = series.fillna("").astype(str).str.lower()
    return text.str.replace(r"[^\w\s]", " ", regex=True).str.split().str.join(" ")


def robust_z(values: pd.Series) -> pd.Series:
    """|x − median| / (1.4826 · MAD): a z-score that outliers themselves cannot inflate.

    Skewed non-negative columns (counts, prices: skewness > 1) are scored on ``log1p`` so that
    their long but natural tail is not flagged.
    """
    if values.min() >= 0 and values.skew() > 1:
        values = np.log1p(values)
    median = values.median()
    mad = (values - median).abs().median() * 1.4826
    if not mad or np.isnan(mad):
        return pd.Series(0.0, index=values.index)
    return (values - median).abs() / mad


def clean(tbl: Table, near_duplicates: bool = True, outliers: str = "report", z_threshold: float = 5.0,
          identifiers: str = "hash") -> tuple[Table, CleaningReport]:
    """Clean a table and report every change.

    Steps, in order: protect identifier columns (hash or drop); drop rows without a label; drop
    constant and empty feature columns; drop exact duplicate rows; drop near-duplicates (same
    label, same text after lower-casing and removing punctuation, same numeric and categorical values)
    when ``near_duplicates``; count missing values (imputation happens in the pipeline, on training
    data); find numeric outliers by robust z-score and ``"report"`` them, ``"clip"`` them to the
    fence or ``"drop"`` their rows.

    Duplicates are removed before any split on purpose: a row in both train and test inflates scores.
    """
    if outliers not in ("report", "clip", "drop"):
        raise ValueError(f"outliers must be 'report', 'clip' or 'drop', got {outliers!r}")
    frame = tbl.frame.copy()
    report = CleaningReport(rows_in=len(frame), outlier_action=outliers)

    frame, protected = protect_identifiers(frame, keep=[tbl.label, *tbl.text_cols, tbl.group_col or ""],
                                           action=identifiers)
    report.hashed_columns.update({p.column: _("{action}: {reason}").format(action=p.action_words, reason=p.reason)
                                  for p in protected})
    report.removed_columns.update({p.column: N_("direct identifier") for p in protected if p.action == "dropped"})

    unlabelled = frame[tbl.label].isna()
    if unlabelled.any():
        report.removed_rows[N_("no label")] = int(unlabelled.sum())
        frame = frame[~unlabelled]

    features = [c for c in tbl.feature_cols if c in frame.columns]
    for col in features:
        if frame[col].isna().all():
            report.removed_columns[col] = N_("empty (every value missing)")
        elif frame[col].nunique(dropna=False) == 1:
            report.removed_columns[col] = f"constant ({frame[col].tolist()[0]!r} in every row)"
    frame = frame.drop(columns=[c for c in report.removed_columns if c in frame.columns])
    text, numeric, categorical = ([c for c in cols if c in frame.columns]
                                  for cols in (tbl.text_cols, tbl.numeric_cols, tbl.categorical_cols))

    exact = frame.duplicated(keep="first")
    if exact.any():
        report.removed_rows[N_("exact duplicate")] = int(exact.sum())
        frame = frame[~exact]
    if near_duplicates and text:
        key = pd.concat([_normalise_text(frame[c]) for c in text]
                        + [frame[c].round(2) if c in numeric else frame[c] for c in numeric + categorical]
                        + [frame[tbl.label]], axis=1)
        near = key.duplicated(keep="first")
        if near.any():
            report.removed_rows[N_("near duplicate (same text up to case/punctuation)")] = int(near.sum())
            frame = frame[~near]

    report.missing = {c: int(frame[c].isna().sum()) for c in text + numeric + categorical}
    for col in numeric:
        flagged = robust_z(frame[col].astype(float)) > z_threshold
        report.outliers[col] = int(flagged.sum())
        if outliers == "clip" and flagged.any():
            inside = frame.loc[~flagged & frame[col].notna(), col]
            frame[col] = frame[col].clip(inside.min(), inside.max())
        elif outliers == "drop" and flagged.any():
            report.removed_rows[f"outlier in {col}"] = int(flagged.sum())
            frame = frame[~flagged]
    frame = frame.reset_index(drop=True)
    report.rows_out = len(frame)
    cleaned = replace(tbl, frame=frame, text_cols=text, numeric_cols=numeric, categorical_cols=categorical,
                      notes=[*tbl.notes, str(report)])
    return cleaned, report


def subsample(tbl: Table, max_rows: int, random_state: int = 0, min_per_class: int = 10, *,
              who: str = N_("This chapter"),
              setting: str = N_("parameter `max_rows={}`"), reason: str = "") -> tuple[Table, str]:
    """At most about ``max_rows`` rows of ``tbl``, stratified on the label, every class kept; and a note saying so.

    Each class :math:`c` with :math:`N_c` rows keeps :math:`\\max(\\min(N_c, m),\\ \\mathrm{round}(N_c\\,
    \\mathrm{max\\_rows} / N))` rows drawn without replacement (:math:`m` = ``min_per_class``), so the class
    shares stay as they are and a small class keeps enough rows for the folds (the total can exceed ``max_rows``
    by the small classes' floor). A table with a group column keeps whole groups, drawn at random until
    ``max_rows`` is reached, so that folds can still keep each group on one side. ``max_rows`` 0 or a table not
    larger than it returns ``tbl`` unchanged and an empty note. Rows keep their original order. The note is a
    Markdown bullet: "- ``who`` ran on a sample of …", naming the ``setting`` that changes it (formatted with
    ``max_rows``) and, when given, the ``reason`` for the sample.
    """
    if not isinstance(max_rows, (int, np.integer)) or isinstance(max_rows, bool) or max_rows < 0:
        raise ValueError(f"max_rows must be a non-negative int (0: no limit), got {max_rows!r}")
    n = len(tbl.frame)
    if max_rows == 0 or n <= max_rows:
        return tbl, ""
    rng = np.random.default_rng(random_state)
    if tbl.group_col:
        groups = tbl.groups.to_numpy()
        order = rng.permutation(pd.unique(groups))
        sizes = pd.Series(groups).value_counts().reindex(order).to_numpy()
        keep_groups = order[: max(1, int(np.searchsorted(np.cumsum(sizes), max_rows, side="right")))]
        rows = np.flatnonzero(np.isin(groups, keep_groups))
        how = _("{n:,} whole groups of {group} drawn at random").format(n=len(keep_groups), group=repr(tbl.group_col))
    else:
        codes, uniques = pd.factorize(tbl.y)
        rows = np.concatenate([
            rng.choice(members, max(min(len(members), min_per_class), round(len(members) * max_rows / n)),
                       replace=False)
            for members in (np.flatnonzero(codes == c) for c in range(len(uniques)))
        ])
        how = _("stratified on {label}, every class kept").format(label=repr(tbl.label))
    why = _(": {reason}").format(reason=_(reason)) if reason else ""
    note = _("- {who} ran on a sample of {rows:,} of the table's {n:,} rows{why} ({how}; {setting}, 0 for all "
             "rows).").format(who=_(who), rows=len(rows), n=n, why=why, how=how, setting=_(setting).format(max_rows))
    return tbl.subset(np.sort(rows)), note
