"""The report command's data options, and the user's table checked once before any kernel starts.

``ecombalance report --data FILE --label-col ...`` turns its options into the notebooks' data parameters
(:func:`data_overrides`), then :func:`check_table` loads the table in the command's own process with the
same code every notebook runs (:func:`ecombalance.data._datasets.load`), so that a bad file, a clashing
column or a class too small for the folds stops the command with exit status 2 and one message, instead of
an error inside a notebook seconds later.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping

import yaml

from ecombalance._paths import CACHE_ENV
from ecombalance._reporting import outdir, params, paths
from ecombalance._validation import Wording, option, option_wording, plain_label
from ecombalance.data._table import TEXT_ANALYZERS
from ecombalance.exceptions import ParameterError
from ecombalance.i18n import gettext as _

# command-line option (argparse's name of the flag) -> notebook parameter, from the one table of flags
DATA_OPTIONS = {params.FLAGS[name].removeprefix("--").replace("-", "_"): name for name in (
    "data_path", "label_col", "text_cols", "group_col", "min_class_size", "min_class_action", "exclude_cols",
    "feature_cols", "encoding", "text_pair", "gains")}
TEXT_OPTIONS = {"text_analyzer": "text_analyzer"}  # text handling: with --data or on the generated data
SPLIT_NEED = 3  # rows per class that a stratified train/test split followed by a validation split needs


def add_data_options(parser: argparse.ArgumentParser) -> None:
    """The ``report`` command's options for a user's file."""
    data = parser.add_argument_group("your own data (sets the notebooks' data parameters)")
    data.add_argument("--data", help="CSV, TSV or Parquet file to analyse instead of the generated data "
                                     "(relative to the current directory)")
    data.add_argument("--label-col", help="its label column")
    data.add_argument("--text-col", action="append", help="a free-text column (repeat for several)")
    data.add_argument("--text-pair", nargs=2, metavar=("LEFT", "RIGHT"),
                      help="two text columns whose match matters (query and title, two product records): "
                           "models also get similarity features of the pair")
    data.add_argument("--group-col", help="rows sharing a value (a query, a household) stay on one side of "
                                          "every split; nothing more")
    data.add_argument("--feature-col", action="append",
                      help="use only these columns (repeat) besides the text columns, even ones the checks "
                           "would leave out")
    data.add_argument("--exclude-col", action="append", help="never use this column as a feature (repeat)")
    data.add_argument("--min-class-size", type=int, help="merge classes smaller than this into 'other' "
                                                         "(one minimum for every notebook)")
    data.add_argument("--min-class-action", choices=("merge", "drop"),
                      help="what --min-class-size does with small classes (default merge)")
    data.add_argument("--gains", help="relevance gain of each label, as YAML or a YAML file, e.g. "
                                      "'{E: 1, S: 0.1, C: 0.01, I: 0}': turns on ranking metrics "
                                      "(ESCI letters are recognised without it)")
    data.add_argument("--encoding", help="the file's encoding when it is not UTF-8 (e.g. gb18030, cp1252); "
                                         "otherwise detected, with a note")
    data.add_argument("--text-analyzer", choices=TEXT_ANALYZERS,
                      help="how text becomes tokens: auto (default: Chinese columns character n-grams, others "
                           "words), word, char (character n-grams of Chinese, Latin words whole) or jieba "
                           "(Chinese word segmentation); also without --data")
    data.add_argument("--merge-label-case", action="store_true",
                      help="merge label values that differ only in case or surrounding spaces ('Shoes', 'shoes ') "
                           "into their most frequent spelling; the notebooks then read a copy of the table in "
                           "<out>/data/ (without it such values stay separate classes, with a note)")


def parse_gains(text: str) -> dict:
    """``--gains``: a YAML mapping ``{label: gain}``, inline or in a file."""
    source = "--gains"
    if Path(text).is_file():
        source, text = f"--gains file {text}", Path(text).read_text(encoding="utf-8")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{source} is not valid YAML: {exc}") from exc
    if not isinstance(value, dict) or not value or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value.values()):
        raise ParameterError(f"{source} must map each label to a number, e.g. '{{E: 1, S: 0.1, C: 0.01, "
                                    f"I: 0}}'; got {value!r}")
    return value


def data_overrides(args: argparse.Namespace, cwd: Path | None = None) -> dict[str, Any]:
    """The notebook parameters the data options set; paths resolved against ``cwd`` (the caller's directory)."""
    cwd = Path(cwd or Path.cwd())
    given = {opt: getattr(args, opt) for opt in DATA_OPTIONS if getattr(args, opt, None) is not None}
    if args.data and not args.label_col:
        raise ParameterError("--data needs --label-col: the name of the file's label column")
    if getattr(args, "merge_label_case", False):
        given_flags = {**given, "merge_label_case": True}
    else:
        given_flags = given
    if not args.data and given_flags:
        flags = ", ".join(f"--{opt.replace('_', '-')}" for opt in given_flags)
        raise ParameterError(f"{flags} only apply with --data FILE: they describe the columns of your "
                                    "own file (without --data the notebooks use their generated data)")
    if args.min_class_size is not None and args.min_class_size < 0:
        raise ParameterError(f"--min-class-size must be 0 or more, got {args.min_class_size}")
    if "data" in given:
        given["data"] = str((cwd / Path(args.data).expanduser()).resolve())
    if "gains" in given:
        given["gains"] = parse_gains(args.gains)
    if "text_pair" in given:
        given["text_pair"] = list(args.text_pair)
    overrides = {DATA_OPTIONS[opt]: value for opt, value in given.items()}
    overrides.update({name: getattr(args, opt) for opt, name in TEXT_OPTIONS.items()
                      if getattr(args, opt, None) is not None})
    return overrides


def out_dir(out: str | None, profile: str, cwd: Path | None = None, force: bool = False,
            words: Mapping[str, str] = outdir.COMMAND_WORDS) -> Path:
    """The report folder, checked before anything runs (:func:`ecombalance._reporting.outdir.check_out`): ``out``
    against ``cwd``, else ``reports/<profile>`` under ``cwd``; never inside ``notebooks/``, never a file, a folder
    that cannot be written, one a running report holds, or (unless ``force``) one holding files ecombalance did not
    write."""
    cwd = Path(cwd or Path.cwd())
    path = (cwd / Path(out).expanduser()).resolve() if out else cwd / "reports" / profile
    source = paths.notebooks_dir().resolve()
    if path == source or source in path.parents:
        given = words["given"].format(out=out or path)
        raise ParameterError(f"{given} is inside the project's notebooks folder "
                                    f"{source}: the executed copies would replace the source notebooks; choose another "
                                    "folder")
    return outdir.check_out(path, force=force, words=words)


PREPARED_DIR = "data"  # the folder of the report that holds a copy of the user's table made for the notebooks


def prepared_name(planned: Mapping[Path, Mapping[str, Any]], merge_label_case: bool) -> str | None:
    """The name (``data/<file>.parquet``) of the copy of the user's table the notebooks will read, when the run asks
    for what the notebooks cannot do themselves (``merge_label_case``); None otherwise."""
    path = next((v["data_path"] for v in planned.values() if v.get("data_path")), None)
    if not merge_label_case or path is None or not isinstance(path, (str, Path)):
        return None
    return f"{PREPARED_DIR}/{Path(path).name.split('.')[0] or 'table'}.parquet"


def write_prepared(out: Path, name: str, planned: Mapping[Path, Mapping[str, Any]], cwd: Path | None = None,
                   log: Callable[[str], None] = print,
                   wording: Wording = params.COMMAND_LINE_WORDING) -> dict[str, Any]:
    """Write the user's table to ``out/name`` (Parquet) with label values differing only in case or surrounding
    spaces merged (:func:`ecombalance.data._checks.merge_label_variants`); claim it in the report's manifest first.
    Returns the parameter overrides that make the notebooks read it. ``wording``: how the notes name the data
    options (the command's flags, or the Python front door's keyword arguments)."""
    from ecombalance.data import _checks as checks
    from ecombalance.data import _files as files

    data = _resolved_data(next(v for v in planned.values() if v.get("data_path")), Path(cwd or Path.cwd()))
    with option_wording(wording):
        frame, _notes = files.read_file(data["data_path"], data.get("encoding", ""))
        frame, _notes = checks.merge_label_variants(frame, data["label_col"], True, data["data_path"])
        frame, notes = files.storable(frame, data["data_path"])
        merged = _("the table with its label values merged ({merge_label_case})").format(
            merge_label_case=option("merge_label_case"))
    manifest = outdir.Manifest.read(out) or outdir.Manifest(out)
    manifest.claim([name])
    (out / name).parent.mkdir(parents=True, exist_ok=True)
    frame.to_parquet(out / name, index=False)
    for note in notes:
        log(_("  note: {note}").format(note=note))
    log(_("  the notebooks read {path}: {merged}").format(path=out / name, merged=merged))
    return {"data_path": str(out / name), "encoding": ""}


@contextlib.contextmanager
def data_cache(out: Path, planned: Mapping[Path, Mapping[str, Any]]) -> Iterator[None]:
    """While a report on a user's file runs, caches of its data (embeddings) go to ``<out>/.cache``."""
    if not any(values.get("data_path") for values in planned.values()):
        yield
        return
    previous = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(out / ".cache")
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(CACHE_ENV, None)
        else:
            os.environ[CACHE_ENV] = previous


def _needs_text(values: Mapping[str, Any]) -> str:
    """Notebook 05 fine-tunes a text encoder on one text or a pair (what
    :func:`ecombalance._chapters.transfer.text_inputs` reads): the reason it cannot apply, or ""."""
    texts, pair = list(values.get("text_cols") or []), list(values.get("text_pair") or [])
    if pair:
        return ""
    if not texts:
        return _("not applicable: no text column (notebook 05 fine-tunes a text encoder on titles, queries or "
                 "reviews; name one with {text})").format(text=option("text_cols", "COLUMN"))
    if len(texts) > 2:
        return _("not applicable: {n} text columns and no pair (the encoder reads one text or two as a pair; name "
                 "the pair with {pair} or keep one text column)").format(n=len(texts), pair=option("text_pair"))
    return ""


APPLIES = {"05": _needs_text}
"""Notebook number -> a rule ``(parameters) -> reason`` that says why the notebook cannot apply to a user's table
("" when it can). A notebook without a rule applies to every table the command accepts."""


def not_applicable(stem: str, values: Mapping[str, Any]) -> str:
    """Why notebook ``stem`` (``"05_transfer_learning"`` or ``"05"``) cannot run on the user's table its parameters
    ``values`` describe, as the index shows it ("not applicable: no text column ..."); "" when it can, and always ""
    on the generated data (no ``data_path``). Decided from the data options alone, before any kernel starts: the
    report leaves such a notebook out with this note instead of failing (:data:`APPLIES`)."""
    if not values.get("data_path"):
        return ""
    rule = APPLIES.get(str(stem)[:2])
    return rule(values) if rule else ""


GENERATED = "generated"
"""``data`` of a notebook in a report on a user's table that does not read the table (``summary.json``)."""
YOURS = "yours"
"""``data`` of a notebook in a report on a user's table that reads the table."""


def data_kind(values: Mapping[str, Any], user_report: bool) -> str:
    """What a notebook's numbers are about: :data:`YOURS` when it reads the user's table, :data:`GENERATED` on a
    user's report when it declares no ``data_path`` (00's documented case, 07's click log: the index marks it, and
    its summary reads none of its numbers); "" on a report on the generated data. ``values``: the notebook's
    resolved parameters, which hold only the names it declares."""
    if not user_report:
        return ""
    return YOURS if "data_path" in values else GENERATED


def class_size_needs(planned: Mapping[Path, Mapping[str, Any]]) -> dict[str, tuple[int, str]]:
    """Rows every class needs in each notebook that reads a user's file: ``{stem: (rows, why)}``.

    A notebook with ``folds`` needs that many (stratified folds put a row of every class in each); one with
    only ``test_size`` needs ``SPLIT_NEED`` (a stratified test split, then a validation split).
    """
    needs = {}
    for nb, values in planned.items():
        declared = params.declared_parameters(nb)
        if "data_path" not in declared:
            continue
        if "folds" in declared:
            folds = values.get("folds", declared["folds"].default)
            needs[nb.stem] = (int(folds), f"{folds} folds")
        elif "test_size" in declared:
            needs[nb.stem] = (SPLIT_NEED, "stratified splits")
    return needs


@contextlib.contextmanager
def _quiet_logger(name: str) -> Iterator[None]:
    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def _resolved_data(values: Mapping[str, Any], cwd: Path) -> dict[str, Any]:
    keys = ("data_path", "label_col", "text_cols", "group_col", "min_class_size", "min_class_action",
            "exclude_cols", "feature_cols", "encoding", "text_pair", "gains", "text_analyzer")
    data = {k: values[k] for k in keys if k in values}
    data["data_path"] = str((cwd / Path(data["data_path"]).expanduser()).resolve())
    return data


def check_table(planned: Mapping[Path, Mapping[str, Any]], cwd: Path | None = None,
                log: Callable[[str], None] = print, merge_label_case: bool = False) -> dict[str, Any]:
    """Load the user's table as the notebooks will, with the largest class-size need of the run; raise
    :class:`~ecombalance._reporting.ParameterError` with the loader's message when it cannot be used.

    Returns parameter overrides for the run: ``data_path`` made absolute (notebooks run in ``notebooks/``).
    Prints what the notebooks will use: rows, classes, features, columns left out and why, notes.
    """
    from ecombalance.data import _checks as checks
    from ecombalance.data import _datasets as datasets

    cwd = Path(cwd or Path.cwd())
    with_data = {nb: _resolved_data(v, cwd) for nb, v in planned.items() if v.get("data_path")}
    if not with_data:
        return {}
    needs = class_size_needs({nb: planned[nb] for nb in with_data})
    need = max((rows for rows, _ in needs.values()), default=0)
    why = "; ".join(f"{stem}: {rows} ({reason})" for stem, (rows, reason) in needs.items())
    variants: list[tuple[dict, int]] = []  # notebooks may take fewer data options: check each set once
    for nb, data in sorted(with_data.items(), key=lambda item: len(item[1]), reverse=True):
        rows = needs.get(nb.stem, (0, ""))[0]
        same = next((i for i, (d, _) in enumerate(variants) if d == data), None)
        if same is None:
            variants.append((data, rows))
        else:
            variants[same] = (data, max(rows, variants[same][1]))
    shown = set()
    for data, variant_need in variants:
        options = {k: v for k, v in data.items() if k != "data_path"}
        try:  # the data layer's messages and notes name the command's flags
            with _quiet_logger("ecombalance.data"), option_wording(params.COMMAND_LINE_WORDING):
                tbl = datasets.load(data_path=data["data_path"], n_splits=variant_need or None,
                                    merge_label_case=merge_label_case, **options)
        except (ValueError, FileNotFoundError) as exc:  # DataError is a ValueError
            message = str(exc)
            if "folds need" in message and needs:
                message += (f". One minimum serves the whole report: the largest need of the selected notebooks "
                            f"is {need} rows per class ({why})")
            raise ParameterError(message) from exc
        if data["data_path"] in shown:
            continue
        shown.add(data["data_path"])
        counts = tbl.y.value_counts()
        log(_("checked {path}: {rows:,} rows, label {label} with {classes} classes (smallest {smallest}: {n} rows; "
              "the notebooks need {need} per class)").format(
            path=data["data_path"], rows=len(tbl.frame), label=repr(tbl.label), classes=len(counts),
            smallest=repr(plain_label(counts.index[-1])), n=int(counts.iloc[-1]), need=need or 2))
        log(_("  features: {features}").format(features=checks.capped(tbl.feature_cols, 30)))
        for note in tbl.notes:
            log(_("  note: {note}").format(note=note))
    overrides = {"data_path": next(iter(with_data.values()))["data_path"]}
    return overrides if len({d["data_path"] for d in with_data.values()}) == 1 else {}
