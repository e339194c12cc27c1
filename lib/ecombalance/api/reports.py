"""The notebooks as an HTML report on a user's table, from Python: :func:`report`."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from ecombalance.api.tables import DATA_PARAMETERS, data_options, data_source, in_api_names, load


def report(data: str | os.PathLike | pd.DataFrame, out: str | os.PathLike, notebooks: str | Sequence[str] | None = None,
           profile: str = "quick", *, label: str, parameters: Mapping[str, Any] | None = None, log=print,
           force: bool = False, merge_label_case: bool = False, lang: str = "en", **options: Any):
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
    lang : {"en", "zh"}
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
    from ecombalance.reporting import datacheck, edition, outdir, runner

    if lang not in ("en", "zh"):  # reporting.edition.EDITIONS (imported with the harness, below)
        raise ValueError(f"unknown lang {lang!r}: the report's edition is one of 'en', 'zh'")
    unknown = sorted(set(options) - set(DATA_PARAMETERS))
    if unknown:
        raise TypeError(f"report got unknown options {unknown}; data options are {sorted(DATA_PARAMETERS)}, other "
                        "notebook parameters go in parameters={...}")
    values = {"text": (), "pair": None, "group": None, "features": None, "exclude": (), "min_class_size": 0,
              "min_class_action": "merge", "gains": None, "encoding": None, "text_analyzer": "auto", **options}
    options_set = data_options(label, **values)
    if not isinstance(out, (str, os.PathLike)):
        raise TypeError(f"out must be the path of the report folder, got {out!r}")
    out = datacheck.out_dir(str(out), profile, force=force, words=outdir.PYTHON_WORDS)
    source, frame, stored = data_source(data), None, None
    if isinstance(source, pd.DataFrame):
        frame, notes, name = files.read_dataframe(source)  # what load checks first, and the index kept
        frame, stored_notes = files.storable(frame, name)
        for note in [*notes, *stored_notes]:
            log(f"note: {in_api_names(note)}")
        stored = f"{datacheck.PREPARED_DIR}/{Path(str(source.attrs.get('name') or 'table')).stem}.parquet"
        data_path = str(out / stored)
    else:
        data_path = source
    overrides = {**{k: v for k, v in options_set.items() if v not in ("", [], {}, None)}, "data_path": data_path,
                 **dict(parameters or {})}
    selection = notebooks.split(",") if isinstance(notebooks, str) else notebooks
    planned = runner.plan(profile, selection, overrides, lang=lang)
    edition.editions(planned, lang)  # every translation is checked before anything is written
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
                                       force=force, lang=lang)
    return result.raise_if_failed()
