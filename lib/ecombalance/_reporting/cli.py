"""Command line: ``ecombalance report ...``, ``ecombalance params``, ``ecombalance compare DIR_A DIR_B`` and
``ecombalance notebooks DIR``."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from ecombalance._reporting import datacheck, edition, outdir, params, paths
from ecombalance._reporting import runner as report
from ecombalance._validation import option_wording
from ecombalance.exceptions import CompareError, ParameterError, ReportError, ReportInterrupted


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecombalance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    rep = sub.add_parser("report", help="run the notebooks with papermill and write an HTML report")
    rep.add_argument("--profile", default="quick", help="parameter profile in params/ (smoke, quick, full)")
    rep.add_argument("--notebooks", help="comma-separated numbers or names, e.g. 01,03 (default: all)")
    rep.add_argument("--out", help="output folder (default: reports/<profile>, or reports/<profile>-zh with --lang zh, "
                                   "under the current folder); it must be "
                                   "empty, new, or a report of ecombalance's")
    rep.add_argument("--force", action="store_true",
                     help="write into an --out folder that holds other files (they are never replaced or removed)")
    rep.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="set a notebook parameter; VALUE is read as YAML (3, 0.5, true, [a, b]); wins over the profile",
    )
    rep.add_argument("--params-file", help="YAML file of parameter values, applied over the profile")
    _add_lang(rep, "the edition: zh runs the Chinese notebooks (中文版) on the Chinese documented case and search log "
                   "(a --data table keeps its own language) and writes a Chinese report")
    datacheck.add_data_options(rep)

    lst = sub.add_parser("params", help="list each notebook's parameters, types and defaults")
    lst.add_argument("--notebooks", help="comma-separated numbers or names (default: all)")
    _add_compare_parser(sub)
    nbs = sub.add_parser("notebooks", help="copy the notebooks (with params/) into a folder, to open in JupyterLab")
    nbs.add_argument("dir", metavar="DIR", help="the folder to copy them into (created; nothing in it is replaced)")
    _add_lang(nbs, "the edition: zh writes the Chinese notebooks (中文版), built from the English ones and their "
                   "translations")
    return parser


def _add_lang(command: argparse.ArgumentParser, text: str) -> None:
    from ecombalance._reporting.edition import EDITIONS

    command.add_argument("--lang", choices=EDITIONS, default="en", help=f"{text} (default: en)")


def _copy_notebooks(args: argparse.Namespace) -> int:
    from ecombalance._reporting import paths

    try:
        written = paths.copy_suite(args.dir, edition=args.lang)
    except ReportError as exc:
        print(f"ecombalance: error: {exc}", file=sys.stderr)
        return 2
    folder = written[0].parent
    what = "copied" if args.lang == "en" else f"wrote the {args.lang} edition of"
    switch = "" if args.lang == "en" else f" --lang {args.lang}"
    print(f"{what} {sum(f.suffix == '.ipynb' for f in written)} notebooks to {folder}\n"
          f"open them with:  jupyter lab {folder}\n"
          f"run them as a report with:  {paths.HOME_ENV}={folder.parent} ecombalance report --profile smoke{switch}")
    return 0


def _add_compare_parser(sub) -> None:
    cmp = sub.add_parser("compare", help="put two report folders side by side in one HTML page")
    cmp.add_argument("dir_a", metavar="DIR_A", help="a report folder (with summary.json), e.g. reports/quick")
    cmp.add_argument("dir_b", metavar="DIR_B", help="the report folder to compare it with")
    cmp.add_argument("--out", metavar="FILE.html",
                     help="the page to write (default: compare-<A>-vs-<B>.html in the current folder)")


def _compare(args: argparse.Namespace) -> int:
    from ecombalance._reporting import compare

    try:
        path = compare.write_comparison(args.dir_a, args.dir_b, args.out)
    except CompareError as exc:
        print(f"ecombalance: error: {exc}", file=sys.stderr)
        return 2
    print(f"comparison: {path}")
    return 0


def _selection(text: str | None) -> list[str] | None:
    """``--notebooks``: None (not given) selects all; a given but empty value is an error, not "all"."""
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ParameterError(f"--notebooks {text!r} names no notebook; give numbers or names (01,03), "
                                    "or leave the option out to run them all")
    return parts


def _list_params(selection: list[str] | None) -> int:
    from ecombalance._reporting import paths

    named = False  # whether some listed parameter holds method or model names
    for nb in report.select(report.discover(paths.notebooks_dir()), selection):
        print(nb.stem)
        for p in params.declared_parameters(nb).values():
            print(f"  {p.name:<22} {p.type_name:<6} default {p.default!r:<24} {p.help}")
            named = named or p.name in params.METHOD_PARAMETERS
    if named:
        print("\n".join(params.method_names()))
    return 0


def _report(args: argparse.Namespace) -> report.ReportResult:
    """Everything is checked before anything is written: options, the output folder, the parameters, the table."""
    overrides = datacheck.data_overrides(args)
    overrides.update({name: params.parse_cli_value(value) for name, value in args.parameter})
    selection = _selection(args.notebooks)
    default = None if args.lang == "en" else str(paths.default_out(args.profile, args.lang))
    out = datacheck.out_dir(args.out or default, args.profile, force=args.force)
    planned = report.plan(args.profile, selection, overrides, args.params_file, lang=args.lang)
    edition.editions(planned, args.lang)  # every translation is checked before anything is written
    prepared = datacheck.prepared_name(planned, args.merge_label_case)
    stems = [nb.stem for nb in planned]
    uses_data = any(values.get("data_path") for values in planned.values())
    outdir.check_clashes(out, outdir.planned_names(stems, uses_data, [prepared] if prepared else []),
                         outdir.COMMAND_WORDS)
    overrides.update(datacheck.check_table(planned, merge_label_case=args.merge_label_case))
    with outdir.locked(out):
        if prepared:
            overrides.update(datacheck.write_prepared(out, prepared, planned))
        with datacheck.data_cache(out, planned), option_wording(params.COMMAND_LINE_WORDING):
            return report.run_report(profile=args.profile, notebooks=selection, out=out, overrides=overrides,
                                     params_file=args.params_file, force=args.force, lang=args.lang)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "compare":
        return _compare(args)
    if args.command == "notebooks":
        return _copy_notebooks(args)
    try:
        if args.command == "params":
            return _list_params(_selection(args.notebooks))
        result = _report(args)
    except (ParameterError, ReportError) as exc:
        print(f"ecombalance: error: {exc}", file=sys.stderr)
        return 2
    except ReportInterrupted as stop:
        print(f"ecombalance: {stop.reason}; index of what finished: {stop.result.index}", file=sys.stderr)
        return 143 if "SIGTERM" in stop.reason else 130  # the shell's codes for a SIGTERM / SIGINT exit
    failed = [run for run in result.runs if run.status not in report.FINISHED]  # "not applicable" is no failure
    for run in failed:
        print(f"ecombalance: notebook {run.notebook} failed at {run.error}; executed copy: "
              f"{result.out_dir / run.ipynb}", file=sys.stderr)
    print(f"index: {result.index}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
