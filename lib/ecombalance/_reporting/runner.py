"""The report harness: run the notebooks with papermill, convert them to HTML, write an index.

``run_report`` is what ``ecombalance report`` and ``make report`` call. For each notebook it writes
``<out>/<stem>.ipynb`` (executed), ``<out>/<stem>.html`` and ``<out>/<stem>.png`` (its key figure); then
``summary.json`` (per notebook: status, seconds, headline numbers, conclusions) and ``index.html`` (with
``glossary.html``, its appendix, written first), rewritten atomically after EACH notebook so that they always
describe the files beside them. A notebook that fails keeps its executed copy as ``<stem>.failed.ipynb`` and leaves
the last good HTML alone. On a user's table a notebook that cannot apply to it
(:func:`ecombalance._reporting.datacheck.not_applicable`) is left out before any kernel starts, with the reason in
the index (status "not applicable", no failure); one that does not read the table (00, 07) is marked "generated", so
that none of its numbers reads as the user's. A run stopped by Ctrl-C or SIGTERM records the notebook it was in as
"interrupted" (its partial copy removed, the last good HTML left alone), writes the index and raises
:class:`ReportInterrupted`; ``.running.ipynb`` files are never left behind. MathJax is copied into
``<out>/mathjax/`` so that formulas render offline.

The folder is checked before anything runs and held by one run at a time (:mod:`ecombalance._reporting.outdir`): it
must be new, empty or a report of ours; the names the run writes are claimed in its manifest first, and only names
in the manifest are ever replaced or removed.

Kernels run quietly: over IPC sockets on POSIX systems (no "running over TCP without encryption" warning), with
``ECOMBALANCE_PROGRESS=final`` so that a progress bar leaves one line in the executed notebook; the HTML drops
progress-bar lines altogether (:func:`without_progress`).
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import signal
import tempfile
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping, Sequence

import nbformat

from ecombalance._progress import PROGRESS_ENV
from ecombalance._reporting import datacheck, edition, headline, outdir, params, paths
from ecombalance._reporting.executive import executive_data
from ecombalance._reporting.index import GLOSSARY_FILE as GLOSSARY
from ecombalance._reporting.index import NOT_APPLICABLE, glossary_html, index_html
from ecombalance._reporting.mathjax import install_mathjax
from ecombalance._reporting.pagecheck import round_table_cells, strip_progress
from ecombalance.exceptions import NotebookFailedError, ReportError, ReportInterrupted

SUMMARY = "summary.json"
INDEX = "index.html"
KERNEL = "python3"
FINISHED = ("ok", NOT_APPLICABLE)  # statuses of a run that went as it should


@dataclass
class NotebookRun:
    notebook: str
    status: str  # "ok", "failed", "interrupted" or "not applicable" (NOT_APPLICABLE)
    seconds: float
    parameters: dict[str, Any]
    headline: dict[str, Any] = field(default_factory=dict)
    title: str = ""
    conclusions: str = ""  # the "What we saw" Markdown recorded by headline.conclude
    figure: str | None = None  # the key figure's PNG beside the HTML
    html: str | None = None
    ipynb: str | None = None
    error: str | None = None
    failed_cell: int | None = None
    finished: str = ""
    note: str = ""  # why the notebook was left out ("not applicable: no text column ...")
    data: str = ""  # on a user's report "yours" or "generated" (datacheck.data_kind); "" on the generated data


@dataclass
class ReportResult:
    out_dir: Path
    runs: list[NotebookRun]

    @property
    def ok(self) -> bool:
        """Every notebook ran through, or was left out as not applicable to the user's table."""
        return all(run.status in FINISHED for run in self.runs)

    @property
    def index(self) -> Path:
        return self.out_dir / INDEX

    @property
    def summary(self) -> Path:
        return self.out_dir / SUMMARY

    def raise_if_failed(self) -> "ReportResult":
        """This result when every notebook ran through, else :class:`~ecombalance.exceptions.NotebookFailedError`
        naming each failed notebook and its cell (the error's ``result`` is this one). A notebook left out as not
        applicable to the user's table is no failure."""
        failed = [run for run in self.runs if run.status not in FINISHED]
        if failed:
            raise NotebookFailedError("; ".join(f"notebook {run.notebook} failed at {run.error}" for run in failed)
                                      + f"; index of what finished: {self.index}", self)
        return self


def discover(notebooks_dir: Path) -> list[Path]:
    """The suite's notebooks, ``NN_name.ipynb``, in order."""
    if not notebooks_dir.is_dir():
        raise ReportError(
            f"no notebooks folder at {notebooks_dir}: the report runs the project's notebooks, which an installed "
            f"package does not hold; set {paths.HOME_ENV} to a checkout of the project (the folder with notebooks/ "
            "and params/), or run the command from that folder")
    found = sorted(p for p in notebooks_dir.glob("[0-9][0-9]_*.ipynb") if p.is_file())
    if not found:
        raise ReportError(f"no notebooks named NN_name.ipynb in {notebooks_dir}")
    return found


def select(notebooks: Sequence[Path], wanted: Iterable[str] | None) -> list[Path]:
    """Pick notebooks by number (``03``) or stem (``03_resampling``); None picks all."""
    if not wanted:
        return list(notebooks)
    by_key = {}
    for nb in notebooks:
        by_key[nb.stem] = nb
        by_key[nb.stem.split("_", 1)[0]] = nb
    chosen = []
    for key in wanted:
        key = key.strip()
        if key not in by_key:
            raise ReportError(
                f"no notebook {key!r}; choose from {[nb.stem for nb in notebooks]} (by number or name)"
            )
        if by_key[key] not in chosen:
            chosen.append(by_key[key])
    return sorted(chosen)


def _failure(nb: nbformat.NotebookNode, exc: Exception) -> tuple[int | None, str]:
    """The index of the first code cell with an error output, and a one-line reason."""
    code_index = 0
    for cell in nb.cells:
        if cell.cell_type != "code" or "injected-parameters" in cell.metadata.get("tags", []):
            continue
        code_index += 1
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                first_line = cell.source.strip().splitlines()[0] if cell.source.strip() else ""
                reason = f"{output.get('ename')}: {output.get('evalue')}"
                return code_index, f"code cell {code_index} ({first_line!r}) raised {reason}"
    return None, f"{type(exc).__name__}: {exc}".splitlines()[0]


def without_progress(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` as the HTML shows it: its stream outputs hold no progress-bar lines (the library's final
    lines and any other package's tqdm on stdout or stderr; a stream left empty is dropped), and its HTML tables
    no number with more than 4 decimals (:func:`~ecombalance._reporting.pagecheck.round_table_cells`). The
    executed ``.ipynb`` keeps both: a progress line is a log of the run, not a finding for the reader."""
    import copy

    clean = copy.deepcopy(nb)
    for cell in clean.cells:
        outputs = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                text = output.get("text", "")
                output["text"] = strip_progress("".join(text) if isinstance(text, list) else text)
                if not output["text"].strip():
                    continue
            elif "text/html" in output.get("data", {}):  # a DataFrame shown as it is: 6 decimals
                text = output["data"]["text/html"]
                output["data"]["text/html"] = round_table_cells("".join(text) if isinstance(text, list) else text)
            outputs.append(output)
        if "outputs" in cell:
            cell["outputs"] = outputs
    return clean


def _to_html(nb: nbformat.NotebookNode, mathjax_url: str | None = None, lang: str = "en") -> str:
    """nbconvert's HTML, without progress-bar lines (:func:`without_progress`); with ``mathjax_url`` it loads
    nothing from the network (MathJax from there, and no require.js, which only JavaScript outputs and widgets
    would use: the notebooks have none); ``<html lang>`` the edition's."""
    from nbconvert import HTMLExporter

    offline = {"mathjax_url": mathjax_url, "require_js_url": "data:text/javascript,"} if mathjax_url else {}
    body, _ = HTMLExporter(**offline, language_code=lang).from_notebook_node(without_progress(nb))
    return edition.html_lang(body, lang)


@functools.cache
def _quiet_kernel_manager() -> type:
    from jupyter_client.manager import AsyncKernelManager

    class QuietKernelManager(AsyncKernelManager):
        """Shuts a kernel down without interrupting it first: the run is over, and an interrupt that
        lands while the kernel handles a message makes it log "KeyboardInterrupt caught in kernel".
        A kernel that does not stop is still killed after ``shutdown_wait_time``."""

        async def _async_interrupt_kernel(self) -> None:
            if not self.shutting_down:
                await super()._async_interrupt_kernel()

    return QuietKernelManager


def kernel_options(socket_dir: str | Path | None = None) -> dict[str, Any]:
    """papermill options for kernels that keep the terminal quiet.

    IPC sockets where the system has them (ipykernel warns about every kernel on unencrypted TCP;
    elsewhere its log is set to ERROR), and no interrupt at shutdown (:func:`_quiet_kernel_manager`).
    Errors still show: the kernel's own log at ERROR, the notebook's in the executed copy and the log.
    The sockets go into ``socket_dir`` (a folder of this kernel alone): jupyter_client numbers IPC sockets
    by checking which files exist, so two kernels started at once in one folder can pick the same socket
    and read each other's messages ("Invalid Signature").
    """
    options: dict[str, Any] = {"kernel_manager_class": _quiet_kernel_manager()}
    if os.name == "posix":
        from traitlets.config import Config

        config = Config()
        config.KernelManager.transport = "ipc"
        if socket_dir is not None:
            config.KernelManager.ip = str(Path(socket_dir) / "kernel")
        options["config"] = config
    else:
        options["extra_arguments"] = ["--IPKernelApp.log_level=ERROR"]
    return options


@contextlib.contextmanager
def kernel_environment(progress: str = "final"):
    """Environment for the kernels started inside: progress bars leave one line (see
    :mod:`ecombalance._progress`) unless ``ECOMBALANCE_PROGRESS`` is already set."""
    previous = os.environ.get(PROGRESS_ENV)
    os.environ[PROGRESS_ENV] = previous or progress
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(PROGRESS_ENV, None)


def execute(
    notebook: Path,
    out_dir: Path,
    parameters: Mapping[str, Any],
    log: Callable[[str], None] = print,
    mathjax_url: str | None = None,
    source: nbformat.NotebookNode | None = None, lang: str = "en",
) -> NotebookRun:
    """Run one notebook through papermill into ``out_dir`` and convert it to HTML (loading MathJax
    from ``mathjax_url``, nbconvert's CDN when None); ``source``: its ``lang`` edition, run in its folder."""
    import papermill

    stem = notebook.stem
    running = out_dir / f"{stem}.running.ipynb"
    start = time.perf_counter()
    error: Exception | None = None
    try:
        with kernel_environment(), tempfile.TemporaryDirectory(prefix="ecombalance-kernel-") as sockets:
            papermill.execute_notebook(
                str(notebook) if source is None else source,
                str(running),
                parameters=dict(parameters),
                kernel_name=KERNEL,
                cwd=str(notebook.parent),
                progress_bar=False,
                **kernel_options(sockets),
            )
    except Exception as exc:  # papermill raises PapermillExecutionError, kernels may die otherwise
        error = exc
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM through _terminate_as_interrupt
        return _interrupted(stem, out_dir, parameters, exc, time.perf_counter() - start, log)
    seconds = round(time.perf_counter() - start, 2)
    finished = datetime.now(timezone.utc).isoformat(timespec="seconds")
    if not running.exists():
        return NotebookRun(stem, "failed", seconds, dict(parameters), error=f"{error}", finished=finished)

    executed = nbformat.read(running, as_version=4)
    run = NotebookRun(stem, "ok", seconds, dict(parameters), headline=headline.read(executed),
                      title=headline.read_title(executed), conclusions=headline.read_conclusions(executed),
                      finished=finished)
    if error is None:
        os.replace(running, out_dir / f"{stem}.ipynb")
        outdir.write_atomic(out_dir / f"{stem}.html", _to_html(executed, mathjax_url, lang))
        (out_dir / f"{stem}.failed.ipynb").unlink(missing_ok=True)
        run.ipynb, run.html = f"{stem}.ipynb", f"{stem}.html"
        figure = headline.read_key_figure(executed)
        if figure is not None:
            (out_dir / f"{stem}.png").write_bytes(figure)
            run.figure = f"{stem}.png"
        log(f"  ok      {stem}  {seconds:.1f}s")
    else:
        kept = out_dir / f"{stem}.failed.ipynb"
        os.replace(running, kept)
        run.status, run.ipynb = "failed", kept.name
        run.failed_cell, run.error = _failure(executed, error)
        if (out_dir / f"{stem}.html").exists():
            run.html = f"{stem}.html"  # the last good one, left in place
        log(f"  FAILED  {stem}  {seconds:.1f}s: {run.error}; executed copy kept at {kept}")
    return run


def not_applicable_run(notebook: Path, parameters: Mapping[str, Any], reason: str, log: Callable[[str], None] = print,
                       out_dir: Path | None = None, manifest: outdir.Manifest | None = None,
                       source: nbformat.NotebookNode | None = None) -> NotebookRun:
    """The record of a notebook (titled as ``source``, its edition) left out because it cannot apply to the user's
    table: no kernel started, the reason in :attr:`NotebookRun.note` (the index shows it), status NOT_APPLICABLE.
    Its files of an earlier run in ``out_dir`` that ``manifest`` owns are removed: they were about another table."""
    for stale in (f"{notebook.stem}{suffix}" for suffix in outdir.NOTEBOOK_SUFFIXES):
        if out_dir is not None and manifest is not None and manifest.owns(stale):
            (out_dir / stale).unlink(missing_ok=True)
    log(f"  left out {notebook.stem}: {reason}")
    return NotebookRun(notebook.stem, NOT_APPLICABLE, 0.0, dict(parameters),
                       title=headline.read_title(source or str(notebook)),
                       note=reason, finished=datetime.now(timezone.utc).isoformat(timespec="seconds"))


def _interrupted(stem: str, out_dir: Path, parameters: Mapping[str, Any], exc: KeyboardInterrupt,
                 seconds: float, log: Callable[[str], None]) -> NotebookRun:
    """The record of a notebook stopped mid-run: its partial copy removed, the last good HTML kept."""
    (out_dir / f"{stem}.running.ipynb").unlink(missing_ok=True)
    reason = str(exc) or "Ctrl-C"
    run = NotebookRun(stem, "interrupted", round(seconds, 2), dict(parameters),
                      error=f"interrupted by {reason} after {seconds:.1f} s; run the notebook again",
                      finished=datetime.now(timezone.utc).isoformat(timespec="seconds"))
    if (out_dir / f"{stem}.html").exists():
        run.html = f"{stem}.html"  # the last good one, left in place
    log(f"  INTERRUPTED  {stem}  {seconds:.1f}s ({reason})")
    return run


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM raises KeyboardInterrupt("SIGTERM") while the report runs, so that it ends as Ctrl-C does:
    the notebook marked, the index written. Only the main thread can set handlers; elsewhere a no-op."""
    def handler(signum, frame):
        raise KeyboardInterrupt("SIGTERM")

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _write_summary(out_dir: Path, profile: str, run: NotebookRun, mathjax_url: str | None, lang: str = "en") -> None:
    summary = _merge_summary(out_dir, profile, [run], lang)  # data: the same in both editions, "lang" aside
    outdir.write_atomic(out_dir / SUMMARY, json.dumps(summary, indent=2, default=str))
    outdir.write_atomic(out_dir / INDEX, edition.page_in(lang, index_html, summary, mathjax_url))  # in the edition's words


def _merge_summary(out_dir: Path, profile: str, runs: list[NotebookRun], lang: str = "en") -> dict[str, Any]:
    """summary.json keeps entries of notebooks not run this time (a run of ``--notebooks 03``)."""
    path = out_dir / SUMMARY
    previous = {}
    if path.exists():
        try:
            previous = {e["notebook"]: e for e in json.loads(path.read_text()).get("notebooks", [])}
        except (json.JSONDecodeError, KeyError, TypeError):
            previous = {}
    for run in runs:
        entry = asdict(run)
        before = previous.get(run.notebook, {})
        if run.status not in FINISHED and (before.get("status") == "ok" or before.get("last_good")):
            entry["last_good"] = before.get("finished") if before.get("status") == "ok" else before["last_good"]
        previous[run.notebook] = entry
    summary = {
        "profile": profile,
        "lang": lang,
        "updated": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "notebooks": [previous[k] for k in sorted(previous)],
    }
    return {**summary, "executive": executive_data(summary)}  # the index summary's claims, as data


def plan(
    profile: str = "quick",
    notebooks: Iterable[str] | None = None,
    overrides: Mapping[str, Any] | None = None,
    params_file: str | Path | None = None,
    notebooks_dir: Path | None = None,
    params_dir: Path | None = None,
    source: str = params.COMMAND_LINE,
    lang: str = "en",
) -> dict[Path, dict[str, Any]]:
    """Select notebooks and resolve their parameters (and the ``lang`` edition's; ``source`` names where ``overrides``
    came from in messages); raises before anything runs."""
    notebooks_dir = Path(notebooks_dir or paths.notebooks_dir())
    suite = discover(notebooks_dir)
    chosen = select(suite, notebooks)
    declared_all = {nb.stem: params.declared_parameters(nb) for nb in suite}
    declared = {nb.stem: declared_all[nb.stem] for nb in chosen}
    suite_names = {name for ps in declared_all.values() for name in ps}
    layers = [(f"profile {profile}", params.load_yaml(params.profile_path(profile, params_dir)))]
    if params_file:
        layers.append((f"parameter file {params_file}", params.load_yaml(params_file)))
    if overrides:
        layers.append((source, dict(overrides)))
    values = params.resolve(declared, layers, suite_names, suite=declared_all)
    edition.switch(values, declared, lang)
    return {nb: values[nb.stem] for nb in chosen}


def run_report(
    profile: str = "quick",
    notebooks: Iterable[str] | None = None,
    out: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    params_file: str | Path | None = None,
    notebooks_dir: Path | None = None,
    params_dir: Path | None = None,
    log: Callable[[str], None] = print,
    force: bool = False,
    source: str = params.COMMAND_LINE,
    lang: str = "en",
) -> ReportResult:
    """Run the notebooks as a parameterised report.

    Parameters
    ----------
    profile
        Name of a YAML profile in ``params/`` (``smoke``, ``quick``, ``full``).
    notebooks
        Numbers or stems to run (default: all, in order).
    out
        Output directory (default ``reports/<profile>`` under the current folder). It must be empty, missing or a
        report of ours (:mod:`ecombalance._reporting.outdir`); only the files the report claimed in it
        are ever replaced or removed, and one run at a time writes into it.
    overrides
        Parameter values that win over the profile and ``params_file``.
    params_file
        A YAML file of parameter values, between the profile and ``overrides``.
    force
        Write into a folder that holds files ecombalance did not write (they are left alone; a run that would
        replace one of them is still refused).
    lang : {"en", "zh"}
        The edition (:mod:`ecombalance._reporting.edition`): "zh" is the Chinese report, on the Chinese data.
    source
        Where ``overrides`` came from, as messages name it (:func:`plan`).

    Returns
    -------
    ReportResult
        ``.ok`` is False when any notebook failed (one left out as not applicable to the user's table is no
        failure); ``.index`` is the index page.

    Raises
    ------
    ReportError
        Before anything runs: a bad selection, no notebooks, an output folder that cannot be used.
    """
    planned = plan(profile, notebooks, overrides, params_file, notebooks_dir, params_dir, source, lang)
    sources = edition.editions(planned, lang)
    out_dir = outdir.check_out(out or paths.default_out(profile, lang), force=force)
    names = outdir.planned_names([nb.stem for nb in planned],
                                 data_cache=any(values.get("data_path") for values in planned.values()))
    outdir.check_clashes(out_dir, names)
    with outdir.locked(out_dir):
        outdir.check_clashes(out_dir, names)  # again, now that no other run can write here
        manifest = outdir.Manifest.read(out_dir) or outdir.Manifest(out_dir)
        manifest.claim(names)
        try:
            return _run_planned(planned, out_dir, profile, manifest, log, sources, lang)
        finally:
            manifest.save(prune=True)


def _run_planned(planned: Mapping[Path, dict[str, Any]], out_dir: Path, profile: str, manifest: outdir.Manifest,
                 log: Callable[[str], None], sources: Mapping[Path, Any], lang: str) -> ReportResult:
    log(f"ecombalance report: profile {profile}{edition.note(lang)}, {len(planned)} notebook(s) -> {out_dir}")
    try:
        mathjax_url = install_mathjax(out_dir)
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise ReportError(str(exc)) from exc
    outdir.write_atomic(out_dir / GLOSSARY, edition.page_in(lang, glossary_html, mathjax_url))  # the index and 00 link it
    for stale in out_dir.glob("*.running.ipynb"):  # left by a run that was killed outright
        if manifest.owns(stale.name):
            stale.unlink()
    runs: list[NotebookRun] = []
    user_report = any(values.get("data_path") for values in planned.values())
    with _terminate_as_interrupt():
        for nb, values in planned.items():
            reason = datacheck.not_applicable(nb.stem, values)
            try:
                run = (not_applicable_run(nb, values, reason, log, out_dir, manifest, sources.get(nb)) if reason
                       else execute(nb, out_dir, values, log, mathjax_url, sources.get(nb), lang))
            except KeyboardInterrupt as exc:  # between cells of the harness itself, e.g. during HTML export
                run = _interrupted(nb.stem, out_dir, values, exc, 0.0, log)
            run.data = datacheck.data_kind(values, user_report)
            runs.append(run)
            _write_summary(out_dir, profile, run, mathjax_url, lang)  # index and summary match the files after each
            if run.status == "interrupted":
                raise ReportInterrupted(run.error or "interrupted", ReportResult(out_dir, runs))
    return ReportResult(out_dir, runs)
