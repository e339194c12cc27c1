"""The front door for an analyst holding a table: :func:`load` it with the checks the report command runs,
:func:`compare` balancing methods on it honestly, and :func:`report` the notebooks on it.

>>> import ecombalance as eb
>>> from ecombalance.data.datasets import case_table
>>> frame = case_table(seed=0).frame            # any DataFrame (or a CSV/Parquet path) with a label column
>>> t = eb.load(frame, label="category", text="title")
>>> c = eb.compare(t, methods=["none+logreg", "class_weight+logreg"], folds=3, n_resamples=100, progress=False)
>>> c.table.index.tolist()                      # sorted by macro-F1, best first
['none+logreg', 'class_weight+logreg']
>>> print(c.best())                             # 0.846 against 0.836: not enough evidence either way
None
>>> print(c.reason)                             # each balancing method against the same model without it
Within `logreg`: Not enough evidence to separate any method from `none+logreg` on macro-F1: the smallest ...
"""

from __future__ import annotations

import html
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ecombalance._validation import plain_label, rename_options
from ecombalance.exceptions import DataError
from ecombalance.data.table import Table

ALPHA = 0.05
"""Significance level of the paired test that decides "distinguishable from the baseline"."""

# the Python names of the data options and the notebook parameters (and command-line flags) they set
DATA_PARAMETERS = {"label": "label_col", "text": "text_cols", "pair": "text_pair", "group": "group_col",
                   "features": "feature_cols", "exclude": "exclude_cols", "min_class_size": "min_class_size",
                   "min_class_action": "min_class_action", "gains": "gains", "encoding": "encoding",
                   "text_analyzer": "text_analyzer"}


def _names(value: Any, what: str) -> list[str]:
    """A column name or a sequence of them, as a list; a ``TypeError`` naming ``what`` otherwise."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise TypeError(f"{what} takes a column name or a list of column names, got {value!r}")


def _check_int(value: Any, what: str, low: int) -> int:
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < low:
        raise TypeError(f"{what} must be an int of at least {low}, got {value!r}")
    return int(value)


def _data_options(label: Any, text: Any, pair: Any, group: Any, features: Any, exclude: Any, min_class_size: Any,
                  min_class_action: Any, gains: Any, encoding: Any, text_analyzer: Any) -> dict[str, Any]:
    """The data options as :func:`ecombalance.data.datasets.load` (and the notebooks) name them, type-checked."""
    if not isinstance(label, str) or not label:
        raise TypeError(f"label must be the name of the label column (a str), got {label!r}")
    pair_names = _names(pair, "pair")
    if pair is not None and len(pair_names) != 2:
        raise TypeError(f"pair takes two text columns whose match matters, e.g. ('query', 'title'); got {pair!r}")
    if group is not None and not isinstance(group, str):
        raise TypeError(f"group must be one column name (a str) or None, got {group!r}")
    if gains is not None and not isinstance(gains, Mapping):
        raise TypeError(f"gains must map each label to its relevance gain, e.g. {{'E': 1, 'S': 0.1}}; got {gains!r}")
    if encoding is not None and not isinstance(encoding, str):
        raise TypeError(f"encoding must be a str such as 'gb18030', got {encoding!r}")
    if min_class_action not in ("merge", "drop"):
        raise ValueError(f"min_class_action must be 'merge' or 'drop', got {min_class_action!r}")
    return {"label_col": label, "text_cols": _names(text, "text"), "text_pair": pair_names,
            "group_col": group or "", "feature_cols": _names(features, "features"),
            "exclude_cols": _names(exclude, "exclude"),
            "min_class_size": _check_int(min_class_size, "min_class_size", 0),
            "min_class_action": min_class_action, "gains": dict(gains or {}), "encoding": encoding or "",
            "text_analyzer": text_analyzer}


def _source(data: Any) -> str | pd.DataFrame:
    if isinstance(data, pd.DataFrame):
        return data
    if isinstance(data, (str, os.PathLike)):
        return str(Path(data).expanduser().resolve())
    raise TypeError(f"data must be a pandas DataFrame or the path of a CSV, TSV or Parquet file, "
                    f"got {type(data).__name__}")


def load(data: str | os.PathLike | pd.DataFrame, label: str, text: str | Sequence[str] = (),
         pair: Sequence[str] | None = None, group: str | None = None, features: Sequence[str] | None = None,
         exclude: str | Sequence[str] = (), min_class_size: int = 0, min_class_action: str = "merge",
         gains: Mapping[Any, float] | None = None, encoding: str | None = None, folds: int = 5,
         text_analyzer: str = "auto", merge_label_case: bool = False) -> Table:
    """A user's table, checked exactly as ``ecombalance report --data`` checks it before any notebook starts.

    The checks (:func:`ecombalance.data.loaders.load_table`): a repeated column name, a role given twice (the
    label also a text or group column), an empty text column, a label with one class, a class smaller than
    ``folds`` (unless ``min_class_size`` merges or drops it), a group column that cannot give grouped folds.
    Columns that identify rows (a saved index, ids, row numbers) and columns that alone predict the label
    almost perfectly out of fold (a copy or a code of the label) are left out of the features with a note;
    direct identifiers (e-mail addresses, phone numbers, user ids) are hashed.

    Parameters
    ----------
    data : DataFrame, or path of a CSV / TSV / Parquet file
        A DataFrame is copied, never changed; a file is decoded as UTF-8 or a detected encoding (with a note).
    label : str
        The label column (strings, booleans or integers).
    text : str or list of str
        Free-text columns (titles, queries, reviews), turned into TF-IDF features.
    pair : (str, str), optional
        Two text columns whose match matters (query and title, two product records): models also get
        similarity features of the pair.
    group : str, optional
        Rows sharing a value (a query, a household) stay on one side of every split.
    features : list of str, optional
        The only non-text feature columns (kept even when a check would leave them out).
    exclude : str or list of str
        Columns never used as features.
    min_class_size : int
        Classes with fewer rows are merged into ``"other"`` (or dropped, ``min_class_action="drop"``), with a note.
    min_class_action : {"merge", "drop"}
    gains : dict, optional
        Relevance gain of each label (graded relevance such as ESCI: ``{"E": 1, "S": 0.1, "C": 0.01, "I": 0}``);
        turns on ranking metrics. A label of ESCI letters gets these gains without it.
    encoding : str, optional
        A file's encoding when it is not UTF-8 (files only).
    folds : int
        The cross-validation folds you plan (:func:`compare`'s ``folds``): every class needs that many rows.
    text_analyzer : {"auto", "word", "char", "jieba"}
        How text becomes tokens (``"auto"``: character n-grams for Chinese columns, words elsewhere).
    merge_label_case : bool
        Merge label values that differ only in case or surrounding spaces (``'Shoes'``, ``'shoes '``) into their
        most frequent spelling; without it they stay separate classes, with a note.

    Returns
    -------
    Table
        The checked table; in JupyterLab it shows every column's role and the notes.

    Raises
    ------
    DataError
        The table cannot be used as given; the message names the column and the fix (the same message the
        report command prints, without its flag names).
    FileNotFoundError, TypeError

    Examples
    --------
    >>> import pandas as pd
    >>> import ecombalance as eb
    >>> from ecombalance.data.datasets import case_table
    >>> frame = case_table(seed=0).frame
    >>> t = eb.load(frame.assign(label_copy=frame["category"]), label="category", text="title")
    >>> print(t.left_out["label_copy"])              # a copy of the label is no feature
    alone it predicts 'category' out of fold with accuracy 1.000 where always guessing the largest class ...
    >>> try:
    ...     eb.load(frame, label="categroy")
    ... except eb.DataError as error:
    ...     print(type(error).__name__, error)
    ColumnNotFoundError DataFrame: label column(s) ['categroy'] not found; the columns are ['product_id', ...
    """
    from ecombalance.data import datasets

    options = _data_options(label, text, pair, group, features, exclude, min_class_size, min_class_action, gains,
                            encoding, text_analyzer)
    try:
        tbl = datasets.load(data_path=_source(data), n_splits=_check_int(folds, "folds", 2),
                            merge_label_case=bool(merge_label_case), **options)
    except (ValueError, FileNotFoundError) as exc:  # the data layer's message, in this function's names
        if len(exc.args) == 1 and isinstance(exc.args[0], str):
            exc.args = (_in_api_names(exc.args[0]),)
        raise
    return replace(tbl, notes=[_in_api_names(n) for n in tbl.notes],
                   left_out={c: _in_api_names(why) for c, why in tbl.left_out.items()})


def _in_api_names(message: str) -> str:
    """A data-layer message with the data options named as :func:`load` names them (``text_cols`` -> ``text``)."""
    return rename_options(message, {option: name for name, option in DATA_PARAMETERS.items()})


@dataclass
class Comparison:
    """What :func:`compare` found: every method on the same folds, each balancing method against the same model
    without balancing, plain models against each other apart (model choice).

    Attributes
    ----------
    result : ExperimentResult
        Per-fold scores and out-of-fold predictions (:func:`ecombalance.evaluation.run_experiment`).
    summary : DataFrame
        :func:`ecombalance.evaluation.summarise`: pooled out-of-fold metrics with bootstrap intervals.
    differences : DataFrame
        :func:`ecombalance.chapters.families.family_effects` on macro-F1: each method against the method it is
        compared with (``against``; ``kind`` balancing, capacity or other), by the one test (corrected repeated
        cross-validation t-test on paired fold scores, Holm-corrected within each kind).
    majority : DataFrame
        :func:`ecombalance.chapters.findings.majority_check`: which methods beat always predicting the largest class.
    notes : list of str
        What the comparison changed (a sample of a large table, methods left out by the time budget).
    """

    result: Any
    summary: pd.DataFrame
    differences: pd.DataFrame
    majority: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    @property
    def baseline(self) -> str:
        return self.result.methods[0]

    @property
    def design(self) -> str:
        """How the rows were split, e.g. "2 × 5-fold cross-validation"."""
        return self.result.design

    @property
    def smallest(self) -> Any:
        return plain_label(pd.Series(self.result.y).value_counts().index[-1])

    @property
    def table(self) -> pd.DataFrame:
        """One row per method, best macro-F1 first: macro-F1 on the pooled out-of-fold predictions with its 95 %
        bootstrap interval (a description of those predictions), balanced accuracy, the smallest class's recall;
        then the comparison: ``against`` (the same model without balancing for a balancing method, the baseline's
        plain model for a plain model; empty for the reference itself), ``kind`` (``balancing``, ``capacity``:
        model choice, ``other``), the ``difference`` in macro-F1 (mean over the folds) with the bootstrap interval
        of the pooled difference, the one test's Holm-corrected ``p_value``, ``detectable`` (the smallest
        difference it could call real here) and ``distinguishable``: that p-value is below :data:`ALPHA` and
        some method beats the majority predictor (notebook 06's rule)."""
        pooled = self.summary.pivot_table(index="method", columns=["metric", "class"], values="pooled")
        macro = self.summary[(self.summary["metric"] == "macro_f1") & (self.summary["class"] == "all")]
        macro = macro.set_index("method")
        diff = self.differences.set_index("method").reindex(macro.index)
        frame = pd.DataFrame({
            "macro_f1": macro["pooled"], "macro_f1_low": macro["ci_low"], "macro_f1_high": macro["ci_high"],
            "balanced_accuracy": pooled[("balanced_accuracy", "all")],
            f"recall[{self.smallest}]": pooled[("recall", str(self.smallest))],
            "against": diff["against"].fillna(""), "kind": diff["kind"].fillna("reference"),
            "difference": diff["difference"].fillna(0.0), "difference_low": diff["ci_low"].fillna(0.0),
            "difference_high": diff["ci_high"].fillna(0.0), "p_value": diff["p_value"],
            "detectable": diff["detectable"],
        })
        frame["distinguishable"] = frame.index.map(lambda m: m in self.distinguishable())
        frame.index.name = "method"
        return frame.sort_values("macro_f1", ascending=False, kind="stable")

    def distinguishable(self) -> list[str]:
        """Methods whose macro-F1 differs from the method they are compared with by more than the noise: the one
        test's Holm-corrected p-value is below :data:`ALPHA`, and at least one method beats the majority
        predictor (when none does, no difference is called real)."""
        if not self.majority["improved"].any():
            return []
        return self.differences.loc[self.differences["p_value"] < ALPHA, "method"].tolist()

    def decide(self):
        """The one rule for "best" the chapters share (:func:`ecombalance.evaluation.best_method`), within each
        model (:func:`ecombalance.chapters.families.best_of_families`): ``(best, best_is_distinguishable,
        sentence)``. A balancing method is named only when it is distinguishably better than the same model
        without balancing; the sentence quotes the pooled macro-F1 with its interval and the mean fold difference."""
        from ecombalance.chapters import families

        scores = self.table[["macro_f1", "macro_f1_low", "macro_f1_high"]].set_axis(["score", "low", "high"], axis=1)
        return families.best_of_families(self.differences, bool(self.majority["improved"].any()), scores)

    def best(self) -> str | None:
        """The balancing method with the largest gain among those distinguishably better than the same model
        without balancing, or None when none is (then :attr:`reason` says there is not enough evidence and lists
        the top scores of each model). A plain model that beats another is model choice, never returned here."""
        return self.decide().best

    @property
    def reason(self) -> str:
        """Why :meth:`best` returned what it did, with the numbers; then, each on its own, the differences between
        plain models (model choice) and the methods that could not be judged against their own plain model."""
        from ecombalance.chapters import families

        decided = self.decide()
        apart = families.apart(self.differences, bool(self.majority["improved"].any()))
        if not decided.sentence:
            model = next((_model(m) for m in self.result.methods if not _plain(m)), _model(self.baseline))
            apart.insert(0, "No balancing method could be judged against the same model without balancing: add the "
                            f"plain version of its model (e.g. `none+{model}`) to the methods.")
        return " ".join(filter(None, [decided.sentence, *apart]))

    def per_class(self) -> pd.DataFrame:
        """Precision, recall, F1 and support of every class (rows) for every method (column level 0), on the
        pooled out-of-fold predictions (:func:`ecombalance.evaluation.per_class_metrics`)."""
        from ecombalance.evaluation import per_class_metrics

        frames = {}
        for method in self.result.methods:
            y_true, pred, _, _ = self.result.pooled(method)
            frames[method] = per_class_metrics(y_true, pred, classes=self.result.classes)[
                ["precision", "recall", "f1", "support"]]
        return pd.concat(frames, axis=1)

    def plot(self, ax=None):
        """Macro-F1 per method with its 95 % bootstrap interval, the baseline in grey; returns the Axes."""
        from ecombalance import plotting

        table = self.table
        ax = plotting.plot_grouped_bars(
            table["macro_f1"].rename("macro-F1"), ax=ax, rot=30, reference=self.baseline,
            interval=(table[["macro_f1_low"]].set_axis(["macro-F1"], axis=1),
                      table[["macro_f1_high"]].set_axis(["macro-F1"], axis=1)),
            xlabel="method", ylabel="macro-F1 (pooled out-of-fold, 0–1)", title="Macro-F1 with 95 % intervals")
        for patch, method in zip(ax.patches, table.index):
            if method == self.baseline:
                patch.set_facecolor("grey")
        return ax

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n.lstrip('- '))}</li>" for n in self.notes)
        shown = self.table.drop(columns="distinguishable").round(3).assign(
            distinguishable=self.table["distinguishable"])
        return (f"<p><b>{html.escape(self.reason)}</b></p>{shown.to_html(border=0, float_format='{:.3f}'.format)}"
                + (f"<ul>{notes}</ul>" if notes else ""))


def _model(method: str) -> str:
    from ecombalance.chapters.experiments import parse

    return parse(method)[1]


def _plain(method: str) -> bool:
    from ecombalance.chapters.experiments import balances_nothing

    return balances_nothing(method)


def compare(table: Table, methods: str | Sequence[str] | None = None, folds: int = 5, repeats: int = 2,
            random_state: int = 0, max_rows: int = 3000, time_budget: float | None = 60, n_resamples: int = 500,
            epochs: int = 30, n_jobs: int | None = None, progress: bool = True) -> Comparison:
    """Every method on the same stratified (or grouped) folds, repeated, fitted on training rows only; each
    balancing method tested against the same model without balancing, plain models against each other apart.

    The test is the one of the chapters: the corrected repeated cross-validation t-test (Nadeau & Bengio 2003;
    Bouckaert & Frank 2004) on the paired scores of all ``repeats`` × ``folds`` folds, Holm-corrected. The
    intervals are paired bootstrap intervals of the pooled out-of-fold predictions: a description, not the test.

    Parameters
    ----------
    table : Table
        From :func:`load`.
    methods : list of str, optional
        ``"<sampler>+<model>"`` (``"smote+logreg"``, ``"class_weight+logreg"``) or ``"<sampler>+torch_mlp:<loss>"``
        (``"none+torch_mlp:focal"``); see :mod:`ecombalance.chapters.experiments`. The first is the baseline; add
        each model's plain version (``"none+<model>"``) to judge its balancing methods.
        Default: the methods notebook 06 compares (:data:`ecombalance.chapters.experiments.DEFAULT_METHODS`).
    folds : int
        Cross-validation folds (k).
    repeats : int
        Repeats of the cross-validation, each with other folds (r); r × k folds give the test its power.
    random_state : int
        Seeds the folds, the samplers, the models and the bootstrap: the same seed gives the same numbers.
    max_rows : int
        A larger table is compared on a stratified sample of this many rows, every class kept (0: all rows), as
        notebook 06 does; :attr:`Comparison.notes` says so.
    time_budget : float or None
        Seconds per method; a slower one is left out after its first fold, with a note (never the baseline).
    n_resamples : int
        Bootstrap resamples for the intervals.
    epochs : int
        Training epochs of the ``torch_mlp`` methods.
    n_jobs : int or None
        Processes fitting folds at the same time (-1: all cores); the same numbers for any value.
    progress : bool
        Show a progress bar.

    Returns
    -------
    Comparison

    Examples
    --------
    >>> import ecombalance as eb
    >>> from ecombalance.data.datasets import case_table
    >>> t = eb.load(case_table(seed=0).frame, label="category", text="title")
    >>> c = eb.compare(t, methods=["none+logreg", "random_over+logreg"], folds=3, n_resamples=100, progress=False)
    >>> list(c.table.columns[:3])
    ['macro_f1', 'macro_f1_low', 'macro_f1_high']
    >>> c.best() is None or c.best() in c.table.index
    True
    """
    from ecombalance.chapters import experiments, families, findings
    from ecombalance.data import preprocess
    from ecombalance.evaluation import make_folds, run_experiment, summarise

    if not isinstance(table, Table):
        raise TypeError(f"compare takes the table that ecombalance.load returns, got {type(table).__name__}; "
                        "call eb.load(data, label=...) first")
    specs = [methods] if isinstance(methods, str) else list(experiments.DEFAULT_METHODS if methods is None
                                                            else methods)
    if len(specs) < 2:
        raise ValueError(f"compare needs a baseline and at least one other method, got {specs}")
    folds, seed = _check_int(folds, "folds", 2), _check_int(random_state, "random_state", 0)
    repeats = _check_int(repeats, "repeats", 1)
    small = table.y.value_counts()
    if small.iloc[-1] < folds:
        raise DataError(f"{table.name}: class {plain_label(small.index[-1])!r} has {int(small.iloc[-1])} rows, fewer "
                        f"than the {folds} folds need; load the table with min_class_size={folds} or use fewer folds")
    tbl, sample_note = preprocess.subsample(table, max_rows, seed=seed, who="`compare`", setting="`max_rows={}`")
    pipelines = experiments.build_all(tbl, specs, seed=seed, epochs=epochs)
    cv = make_folds(tbl.y, tbl.groups, folds, seed, n_repeats=repeats)
    result = run_experiment(pipelines, tbl.X, tbl.y, groups=tbl.groups, cv=cv, random_state=seed,
                            time_budget=time_budget or None, progress=progress, n_jobs=n_jobs)
    summary = summarise(result, n_resamples=n_resamples, seed=seed)
    differences = families.family_effects(result, metric="macro_f1", n_resamples=n_resamples, seed=seed, alpha=ALPHA)
    majority = findings.majority_check(result, n_resamples=n_resamples, seed=seed, alpha=ALPHA)
    notes = [n for n in [sample_note.strip(), *(f"`{m}` {why}." for m, why in result.skipped.items())] if n]
    return Comparison(result, summary, differences, majority, notes)


def report(data: str | os.PathLike | pd.DataFrame, out: str | os.PathLike, notebooks: str | Sequence[str] | None = None,
           profile: str = "quick", *, label: str, parameters: Mapping[str, Any] | None = None, log=print,
           force: bool = False, merge_label_case: bool = False, **options: Any):
    """The notebooks as an HTML report on ``data``, as ``ecombalance report --data FILE`` writes it.

    Everything is checked before anything is written or any notebook starts: the options, the output folder, the
    notebook parameters and the table (as :func:`load` checks it).

    Parameters
    ----------
    data : DataFrame, or path of a CSV / TSV / Parquet file
        A DataFrame is written once, as Parquet, to ``<out>/data/`` (never into the project); a named index is
        kept as a column, and a column of mixed Python objects is stored as text (each with a note in ``log``).
    out : path
        The report folder: executed notebooks, HTML pages, ``index.html`` and ``summary.json``. It must be new,
        empty or a report of ecombalance's (:mod:`ecombalance.reporting.outdir`); only the files the report
        wrote there are ever replaced.
    notebooks : str or list of str, optional
        Numbers or names (``"01"``, ``"01,06"``, ``["01", "06"]``); default all.
    profile : {"quick", "smoke", "full"}
        Parameter profile.
    label, **options
        The data options of :func:`load` (``text``, ``pair``, ``group``, ``features``, ``exclude``,
        ``min_class_size``, ``min_class_action``, ``gains``, ``encoding``, ``text_analyzer``).
    parameters : dict, optional
        Other notebook parameters (``{"max_rows": 0}``), as ``-p NAME VALUE`` on the command line.
    force : bool
        Write into an ``out`` folder that holds files ecombalance did not write (they are left alone).
    merge_label_case : bool
        Merge label values that differ only in case or surrounding spaces (the notebooks read a merged copy of the
        table in ``<out>/data/``).

    Returns
    -------
    ReportResult
        ``.index`` is the path of ``index.html``; ``.runs`` the status of every notebook.

    Raises
    ------
    DataError
        The table cannot be used (checked once, before anything is written).
    ecombalance.exceptions.ReportError
        Before anything runs: the output folder cannot be used (a file, not writable, another report is writing
        into it, files of yours in it without ``force``), or the notebooks cannot be found.
    ecombalance.exceptions.ParameterError
        A notebook parameter in ``parameters`` that no selected notebook takes, or a value of the wrong type.
    ecombalance.exceptions.NotebookFailedError
        After the run: a notebook failed; the message names it and the failing cell, ``.result`` holds every run.

    Examples
    --------
    >>> from ecombalance import api; import tempfile                                                  # doctest: +SKIP
    >>> from ecombalance.data.datasets import case_table                                    # doctest: +SKIP
    >>> r = api.report(case_table(0).frame, out=tempfile.mkdtemp(), notebooks="01", label="category",
    ...               text="title")                                                         # doctest: +SKIP
    >>> r.index.name                                                                        # doctest: +SKIP
    'index.html'
    """
    from ecombalance.data import checks, files
    from ecombalance.reporting import datacheck, outdir, runner

    unknown = sorted(set(options) - set(DATA_PARAMETERS))
    if unknown:
        raise TypeError(f"report got unknown options {unknown}; data options are {sorted(DATA_PARAMETERS)}, other "
                        "notebook parameters go in parameters={...}")
    values = {"text": (), "pair": None, "group": None, "features": None, "exclude": (), "min_class_size": 0,
              "min_class_action": "merge", "gains": None, "encoding": None, "text_analyzer": "auto", **options}
    data_options = _data_options(label, **values)
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be the path of the report folder, got {out!r}")
    out = datacheck.out_dir(str(out), profile, force=force, words=outdir.PYTHON_WORDS)
    source, frame, stored = _source(data), None, None
    if isinstance(source, pd.DataFrame):
        frame, notes, name = files.read_dataframe(source)  # what load checks first, and the index kept
        frame, stored_notes = files.storable(frame, name)
        for note in [*notes, *stored_notes]:
            log(f"note: {_in_api_names(note)}")
        stored = f"{datacheck.PREPARED_DIR}/{Path(str(source.attrs.get('name') or 'table')).stem}.parquet"
        data_path = str(out / stored)
    else:
        data_path = source
    overrides = {**{k: v for k, v in data_options.items() if v not in ("", [], {}, None)}, "data_path": data_path,
                 **dict(parameters or {})}
    selection = notebooks.split(",") if isinstance(notebooks, str) else notebooks
    planned = runner.plan(profile, selection, overrides)
    if frame is None:
        stored = datacheck.prepared_name(planned, merge_label_case)
    need = max((rows for rows, _ in datacheck.class_size_needs(planned).values()), default=2)
    load(source if frame is None else frame, label=label, folds=max(need, 2), merge_label_case=merge_label_case,
         **values)
    outdir.check_clashes(out, outdir.planned_names([nb.stem for nb in planned], True, [stored] if stored else []))
    with outdir.locked(out):
        if frame is not None:
            if merge_label_case:
                frame, _ = checks.merge_label_variants(frame, label, True, "DataFrame")
            (outdir.Manifest.read(out) or outdir.Manifest(out)).claim([stored])
            (out / stored).parent.mkdir(parents=True, exist_ok=True)
            frame.to_parquet(out / stored, index=False)
        elif stored:
            overrides.update(datacheck.write_prepared(out, stored, planned, log=log, flags=False))
        with datacheck.data_cache(out, planned):
            result = runner.run_report(profile=profile, notebooks=selection, out=out, overrides=overrides, log=log,
                                       force=force)
    return result.raise_if_failed()
