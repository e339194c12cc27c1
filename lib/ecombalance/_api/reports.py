"""The notebooks as an HTML report on a user's table, from Python: :func:`report`."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ecombalance._api.tables import (DATA_CONSTRAINTS, DATA_SOURCE, PYTHON_WORDING, data_docs, data_options,
                                     data_source, load)
from ecombalance._validation import ColumnNames, InstanceOf, Options, option_wording, validate_params


@data_docs
@validate_params({
    "data": DATA_SOURCE, "out": [InstanceOf((str, os.PathLike), "the path of the report folder")],
    "notebooks": [None, ColumnNames(words="notebook numbers or names")], "profile": [str], **DATA_CONSTRAINTS,
    "parameters": [None, InstanceOf(Mapping, "a mapping of notebook parameter names to values")],
    "log": [InstanceOf(Callable, "a function taking one str (print)")], "force": [bool],
    "lang": [Options("en", "zh")],
})
def report(data: str | os.PathLike | pd.DataFrame, out: str | os.PathLike, notebooks: str | Sequence[str] | None = None,
           profile: str = "quick", *, label: str, text: str | Sequence[str] = (), pair: Sequence[str] | None = None,
           group: str | None = None, features: Sequence[str] | None = None, exclude: str | Sequence[str] = (),
           min_class_size: int = 0, min_class_action: str = "merge", gains: Mapping[Any, float] | None = None,
           encoding: str | None = None, text_analyzer: str = "auto", merge_label_case: bool = False,
           parameters: Mapping[str, Any] | None = None, log: Callable[[str], Any] = print, force: bool = False,
           lang: str = "en"):
    """Write the notebooks as an HTML report on ``data``, as ``ecombalance report --data FILE`` writes it.

    Everything is checked before anything is written or any notebook starts: the options, the output folder, the
    notebook parameters and the table (as :func:`load` checks it).

    Parameters
    ----------
    data : DataFrame, or path of a CSV / TSV / Parquet file
        A DataFrame is written once, as Parquet, to ``<out>/data/`` (never into the project); a named index is
        kept as a column, and a column of mixed Python objects is stored as text (each with a note in ``log``).
    out : path
        The report folder: executed notebooks, HTML pages, ``index.html`` and ``summary.json``. It must be new,
        empty or a report of ecombalance's (:mod:`ecombalance._reporting.outdir`); only the files the report
        wrote there are ever replaced.
    notebooks : str or list of str, default=None
        Numbers or names (``"01"``, ``"01,06"``, ``["01", "06"]``); default all.
    profile : {"quick", "smoke", "full"}, default="quick"
        Parameter profile.
    label : str
        The label column (strings, booleans or integers). This and the data options below are checked as
        :func:`ecombalance.load` checks them.
    {data_options}
    {text_analyzer}
    merge_label_case : bool, default=False
        Merge label values that differ only in case or surrounding spaces (the notebooks read a merged copy of the
        table in ``<out>/data/``).
    parameters : dict, default=None
        Other notebook parameters (``{"max_rows": 0}``), as ``-p NAME VALUE`` on the command line.
    log : callable, default=print
        Called with each line of progress (default :func:`print`).
    force : bool, default=False
        Write into an ``out`` folder that holds files ecombalance did not write (they are left alone).
    lang : {"en", "zh"}, default="en"
        The report's edition, as ``ecombalance report --lang``: "zh" runs the Chinese notebooks (中文版) and writes a
        Chinese index; the table keeps its own language.

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

    See Also
    --------
    ecombalance.load : The table's checks, without a report.
    ecombalance.compare : The comparison of notebook 06, in Python.

    Examples
    --------
    Everything is checked before anything is written:

    >>> import os, tempfile
    >>> import pandas as pd
    >>> import ecombalance as eb
    >>> frame = pd.DataFrame({"title": ["red shoe", "blue cup", "tent"] * 10, "category": ["a", "b", "c"] * 10})
    >>> with tempfile.TemporaryDirectory() as out:
    ...     try:
    ...         eb.report(frame, out=out, profile="fast", label="category", text="title")
    ...     except eb.ParameterError as error:
    ...         print(error)
    ...     print(os.listdir(out))
    unknown profile 'fast'; choose one of ['full', 'quick', 'smoke']
    []

    A run executes the notebooks (minutes, so not run here):

    >>> from ecombalance.data import case_table
    >>> r = eb.report(case_table(0).frame, out=tempfile.mkdtemp(), notebooks="01", label="category",
    ...               text="title")                                                         # doctest: +SKIP
    >>> r.index.name                                                                        # doctest: +SKIP
    'index.html'
    """
    from ecombalance._reporting import datacheck, edition, outdir, params, runner
    from ecombalance.data import _checks as checks
    from ecombalance.data import _files as files

    given = dict(locals())
    options = {k: given[k] for k in DATA_CONSTRAINTS if k not in ("label", "merge_label_case")}
    options_set = data_options(given)
    del options_set["merge_label_case"]  # the notebooks read a merged copy of the table instead
    out = datacheck.out_dir(str(out), profile, force=force, words=outdir.PYTHON_WORDS)
    source, frame, stored = data_source(data), None, None
    if isinstance(source, pd.DataFrame):
        with option_wording(PYTHON_WORDING):  # what load checks first, and the index kept
            frame, notes, name = files.read_dataframe(source)
            frame, stored_notes = files.storable(frame, name)
        for note in [*notes, *stored_notes]:
            log(f"note: {note}")
        stored = f"{datacheck.PREPARED_DIR}/{Path(str(source.attrs.get('name') or 'table')).stem}.parquet"
        data_path = str(out / stored)
    else:
        data_path = source
    overrides = {**{k: v for k, v in options_set.items() if v not in ("", [], {}, None)}, "data_path": data_path,
                 **dict(parameters or {})}
    selection = notebooks.split(",") if isinstance(notebooks, str) else notebooks
    planned = runner.plan(profile, selection, overrides, source=params.PARAMETERS, lang=lang)
    edition.editions(planned, lang)  # every translation is checked before anything is written
    if frame is None:
        stored = datacheck.prepared_name(planned, merge_label_case)
    need = max((rows for rows, _ in datacheck.class_size_needs(planned).values()), default=2)
    load(source if frame is None else frame, label=label, folds=max(need, 2), merge_label_case=merge_label_case,
         **options)
    outdir.check_clashes(out, outdir.planned_names([nb.stem for nb in planned], True, [stored] if stored else []))
    with outdir.locked(out):
        if frame is not None:
            if merge_label_case:
                frame, _ = checks.merge_label_variants(frame, label, True, "DataFrame")
            (outdir.Manifest.read(out) or outdir.Manifest(out)).claim([stored])
            (out / stored).parent.mkdir(parents=True, exist_ok=True)
            frame.to_parquet(out / stored, index=False)
        elif stored:
            overrides.update(datacheck.write_prepared(out, stored, planned, log=log,
                                                               wording=PYTHON_WORDING))
        with datacheck.data_cache(out, planned), option_wording(PYTHON_WORDING):  # notes in this function's names
            result = runner.run_report(profile=profile, notebooks=selection, out=out, overrides=overrides, log=log,
                                       force=force, source=params.PARAMETERS, lang=lang)
    return result.raise_if_failed()
