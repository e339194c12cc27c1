"""What notebook 02 measures — what fitting the preprocessing before the split lets through from the test rows —
and its "What we saw" text.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ecombalance.data._preprocess import CleaningReport
from ecombalance.data._table import Table
from ecombalance.evaluation._folds import holdout_split
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.i18n import pgettext
from ecombalance.models._features import make_preprocessor


def fit_before_split_effects(tbl: Table, test_size: float = 0.25, random_state: int = 0) -> dict[str, float]:
    """Fit the preprocessor on all rows (wrong) and on the training rows only (right), and measure
    what the wrong way lets through from the test rows.

    Returns the number of TF-IDF terms that occur only in test rows but enter the vocabulary, how far
    the test rows' standardised numeric columns sit from mean 0 / sd 1 either way (fitted on all
    rows they are forced towards 0 / 1 by their own statistics), and the largest shift of a scaler
    mean caused by seeing the test rows.
    """
    train, test = holdout_split(tbl, test_size, random_state)
    right = make_preprocessor(tbl).fit(train.X)
    wrong = make_preprocessor(tbl).fit(tbl.X)
    result: dict[str, float] = {"train_rows": len(train.frame), "test_rows": len(test.frame)}
    if tbl.text_cols:
        step = f"text_{tbl.text_cols[0]}"
        vocabularies = [set(ct.named_transformers_[step][-1].vocabulary_) for ct in (right, wrong)]
        result["test_only_terms_in_vocabulary"] = len(vocabularies[1] - vocabularies[0])
    if tbl.numeric_cols:
        numeric = [ct.named_transformers_["numeric"] for ct in (right, wrong)]
        test_means = [np.abs(n.transform(test.frame[tbl.numeric_cols]).mean(axis=0)).mean() for n in numeric]
        result["test_mean_abs_when_fit_on_train"] = float(test_means[0])
        result["test_mean_abs_when_fit_on_all"] = float(test_means[1])
        result["largest_scaler_mean_shift"] = float(np.abs(numeric[0][-1].mean_ - numeric[1][-1].mean_).max())
    return result


DATA_ORIGINS = {
    "dirty copy": N_("- These are the **generated** data with teaching dirt added by `datasets.dirty_copy` (exact "
                     "and near duplicates, missing values, price outliers, a constant `source` column and a "
                     "`customer_email` column): the cleaning below finds what was put in."),
    "generated": N_("- These are the generated data as they are: no dirt was added."),
    "user": N_("- This is your table as loaded: nothing was added to it, so every duplicate, missing value, constant "
               "column and outlier below is in your file."),
}
"""The opening sentence of :func:`describe_preprocessing` for each origin of the data it cleaned (English; shown in
the current language)."""


def data_origin(user_data: bool, dirt_added: bool) -> str:
    """The key of :data:`DATA_ORIGINS` for notebook 02's data: a user's file is never made dirty."""
    return "user" if user_data else "dirty copy" if dirt_added else "generated"


def _outlier_action(action: str) -> str:
    """What :func:`ecombalance.data._preprocess.clean` did with outliers, in the current language."""
    words = {"report": pgettext("outliers", "report"), "clip": pgettext("outliers", "clip"),
             "drop": pgettext("outliers", "drop")}
    return words.get(action, action)


def describe_preprocessing(report: CleaningReport, effects: Mapping[str, float],
                           shares: Mapping[str, pd.Series] | pd.DataFrame, n_features: int, n_sources: int,
                           origin: str | None = None, group_col: str | None = None) -> str:
    """Notebook 02's "What we saw" in Markdown: what cleaning removed (``report`` of
    :func:`ecombalance.data._preprocess.clean`), the fused matrix (``n_features`` columns from ``n_sources``
    blocks), the class shares of the split (``shares``: ``{"train": ..., "test": ...}`` class proportions) and
    :func:`fit_before_split_effects`. ``origin`` (a key of :data:`DATA_ORIGINS`) opens with where the data
    came from; ``group_col`` says that the split kept whole groups rather than the class shares."""
    none = _("none")
    removed = ", ".join(_("{n} {reason}").format(n=n, reason=_(why)) for why, n in report.removed_rows.items()) or none
    columns = ", ".join(f"`{c}` ({_(why)})" for c, why in report.removed_columns.items()) or none
    protected = ", ".join(f"`{c}`" for c in report.hashed_columns) or none
    shares = pd.DataFrame(shares).fillna(0.0)
    gap = (shares["train"] - shares["test"]).abs()
    split = (_("keep the class shares (largest train/test difference {gap:.3f}, for `{cls}`)") if not group_col
             else _("hold whole groups of `{group}`, so the class shares may move (largest train/test difference "
                    "{gap:.3f}, for `{cls}`)")).format(gap=gap.max(), cls=gap.idxmax(), group=group_col)
    lines = [_(DATA_ORIGINS[origin])] if origin else []
    lines += [
        _("- Cleaning took {rows_in} rows to {rows_out}: removed {removed}. Columns removed: {columns}; protected: "
          "{protected}.").format(rows_in=report.rows_in, rows_out=report.rows_out, removed=removed, columns=columns,
                                 protected=protected),
        _("- {missing} missing cells stay in the table and are imputed inside the pipeline; {outliers} numeric "
          "outliers were found ({action}).").format(missing=sum(report.missing.values()),
                                                    outliers=sum(report.outliers.values()),
                                                    action=_outlier_action(report.outlier_action)),
        _("- The fused matrix has {features} columns from {sources} sources, fitted on {train} training rows only; "
          "the {test} test rows {split}.").format(features=n_features, sources=n_sources,
                                                  train=int(effects["train_rows"]), test=int(effects["test_rows"]),
                                                  split=split),
    ]
    leaks = []
    if "test_only_terms_in_vocabulary" in effects:
        leaks.append(_("put {n} words that occur only in test rows into the vocabulary").format(
            n=int(effects["test_only_terms_in_vocabulary"])))
    if "largest_scaler_mean_shift" in effects:
        leaks.append(_("moved a scaler's mean by up to {shift:.3f} (in the column's units, after log1p where skewed), "
                       "pulling the test rows' standardised column means towards 0 (mean |mean| {all:.3f} instead of "
                       "{train:.3f} when fitted on the training rows only)").format(
            shift=effects["largest_scaler_mean_shift"], all=effects["test_mean_abs_when_fit_on_all"],
            train=effects["test_mean_abs_when_fit_on_train"]))
    if len(leaks) == 2:
        leaks = [_("{first} and {second}").format(first=leaks[0], second=leaks[1])]
    lines.append(_("- Fitting before the split would have {leaks}.").format(leaks=leaks[0]) if leaks else
                 _("- The table has no text or numeric columns, so fitting before the split lets nothing through."))
    return "\n".join(lines)
