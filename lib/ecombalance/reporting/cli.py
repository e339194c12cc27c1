"""Command line: ``ecombalance report ...``, ``ecombalance params`` and ``ecombalance compare DIR_A DIR_B``."""

from __future__ import annotations

import argparse
import sys
from typing import Sequence

from ecombalance.reporting import datacheck, params
from ecombalance.reporting import runner as report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ecombalance", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    rep = sub.add_parser("report", help="run the notebooks with papermill and write an HTML report")
    rep.add_argument("--profile", default="quick", help="parameter profile in params/ (smoke, quick, full)")
    rep.add_argument("--notebooks", help="comma-separated numbers or names, e.g. 01,03 (default: all)")
    rep.add_argument("--out", help="output directory (default: reports/<profile>)")
    rep.add_argument(
        "-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
        help="set a notebook parameter; VALUE is read as YAML (3, 0.5, true, [a, b]); wins over the profile",
    )
    rep.add_argument("--params-file", help="YAML file of parameter values, applied over the profile")
    datacheck.add_data_options(rep)

    lst = sub.add_parser("params", help="list each notebook's parameters, types and defaults")
    lst.add_argument("--notebooks", help="comma-separated numbers or names (default: all)")
    _add_compare_parser(sub)
    return parser


def _add_compare_parser(sub) -> None:
    cmp = sub.add_parser("compare", help="put two report folders side by side in one HTML page")
    cmp.add_argument("dir_a", metavar="DIR_A", help="a report folder (with summary.json), e.g. reports/quick")
    cmp.add_argument("dir_b", metavar="DIR_B", help="the report folder to compare it with")
    cmp.add_argument("--out", metavar="FILE.html",
                     help="the page to write (default: compare-<A>-vs-<B>.html in the current folder)")


def _compare(args: argparse.Namespace) -> int:
    from ecombalance.reporting import compare

    try:
        path = compare.write_comparison(args.dir_a, args.dir_b, args.out)
    except compare.CompareError as exc:
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
        raise params.ParameterError(f"--notebooks {text!r} names no notebook; give numbers or names (01,03), "
                                    "or leave the option out to run them all")
    return parts


def _list_params(selection: list[str] | None) -> int:
    from ecombalance.reporting import paths

    for nb in report.select(report.discover(paths.notebooks_dir()), selection):
        print(nb.stem)
        for p in params.declared_parameters(nb).values():
            print(f"  {p.name:<22} {p.type_name:<6} default {p.default!r:<24} {p.help}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "compare":
        return _compare(args)
    try:
        if args.command == "params":
            return _list_params(_selection(args.notebooks))
        overrides = datacheck.data_overrides(args)
        overrides.update({name: params.parse_cli_value(value) for name, value in args.parameter})
        selection, out = _selection(args.notebooks), datacheck.out_dir(args.out, args.profile)
        planned = report.plan(args.profile, selection, overrides, args.params_file)
        overrides.update(datacheck.check_table(planned))  # the user's table, before any kernel starts
        with datacheck.data_cache(out, planned):
            result = report.run_report(
                profile=args.profile,
                notebooks=selection,
                out=out,
                overrides=overrides,
                params_file=args.params_file,
            )
    except (params.ParameterError, report.ReportError) as exc:
        print(f"ecombalance: error: {exc}", file=sys.stderr)
        return 2
    except report.ReportInterrupted as stop:
        print(f"ecombalance: {stop.reason}; index of what finished: {stop.result.index}", file=sys.stderr)
        return 143 if "SIGTERM" in stop.reason else 130  # the shell's codes for a SIGTERM / SIGINT exit
    failed = [run for run in result.runs if run.status != "ok"]
    for run in failed:
        print(f"ecombalance: notebook {run.notebook} failed at {run.error}; executed copy: "
              f"{result.out_dir / run.ipynb}", file=sys.stderr)
    print(f"index: {result.index}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
