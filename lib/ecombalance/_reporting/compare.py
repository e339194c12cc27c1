"""``ecombalance compare DIR_A DIR_B``: two report folders side by side on one page.

Analysts run the same report on two data cuts, two seeds or two profiles and want the difference:
per notebook the status, the conclusions of both runs, every headline number with B - A, and the
parameters, those that differ highlighted. Everything is read from the folders' ``summary.json``;
a notebook present in one folder only, or failed in one, is shown as such.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Mapping

from ecombalance._reporting.index import NOT_APPLICABLE, badge_class, esc, fmt, markdown_html, page
from ecombalance._reporting.mathjax import MATHJAX_CONFIG, MATHJAX_DIR
from ecombalance.exceptions import CompareError
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_

_SUMMARY_FILE = "summary.json"  # runner.SUMMARY
_DEFAULT = N_("notebook default")  # a parameter the run did not set (shown in the current language)
_NOT_RECORDED = N_("not recorded")
_TITLE = "ecombalance: two reports compared"  # also how an existing page is recognised as one of ours
_EXTRA_STYLE = """
.sides { display: grid; grid-template-columns: 1fr 1fr; gap: 1rem; }
.sides > div { border: 1px solid #d1d9e0; border-radius: 6px; padding: .2rem .9rem; min-width: 0; }
.sides h3 { font-size: 1rem; margin: .4rem 0; color: #59636e; }
section.nb.absent { border-style: dashed; background: #fafbfc; }
td.up { color: #116329; } td.down { color: #a40e26; } td.value { overflow-wrap: anywhere; }
"""


def load_summary(folder: str | Path) -> dict[str, Any]:
    """The ``summary.json`` of a report folder, or :class:`CompareError` naming what is wrong."""
    path = Path(folder) / _SUMMARY_FILE
    if not Path(folder).is_dir():
        raise CompareError(f"{folder} is not a folder; give two report folders, e.g. reports/quick")
    if not path.is_file():
        raise CompareError(f"{folder} is not a report folder: it has no {_SUMMARY_FILE} "
                           f"(write one with `ecombalance report --out {folder}`)")
    try:
        summary = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise CompareError(f"{path} is not valid JSON ({exc}); re-run the report into {folder}") from exc
    if not isinstance(summary, dict) or not isinstance(summary.get("notebooks"), list):
        raise CompareError(f"{path} lists no notebooks; re-run the report into {folder}")
    return summary


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def differences(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per name in ``a`` or ``b`` (``a``'s order first): both values, whether they differ, and
    ``b - a`` where both are numbers. A name missing on one side has the value ``None`` there."""
    rows = []
    for name in [*a, *(k for k in b if k not in a)]:
        va, vb = a.get(name), b.get(name)
        delta = vb - va if _is_number(va) and _is_number(vb) else None
        rows.append({"name": name, "a": va, "b": vb, "in_a": name in a, "in_b": name in b,
                     "differ": (name in a) != (name in b) or va != vb, "delta": delta})
    return rows


def differing_parameters(summary_a: Mapping[str, Any], summary_b: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The parameters that differ between the notebooks both reports ran: one row per parameter and
    pair of values: the keys of :func:`differences` and ``notebooks``."""
    a = {e["notebook"]: e.get("parameters") or {} for e in summary_a["notebooks"]}
    b = {e["notebook"]: e.get("parameters") or {} for e in summary_b["notebooks"]}
    found: dict[tuple[str, str, str], dict[str, Any]] = {}
    for stem in sorted(set(a) & set(b)):
        for row in differences(a[stem], b[stem]):
            if row["differ"]:
                key = (row["name"], json.dumps(row["a"], default=str), json.dumps(row["b"], default=str))
                found.setdefault(key, {**row, "notebooks": []})
                found[key]["notebooks"].append(stem)
    return list(found.values())


def _link(folder_url: str, target: str | None, text: str) -> str:
    return f'<a href="{esc(folder_url + "/" + target)}">{esc(text)}</a>' if target else esc(text)


def _status_word(status: str) -> str:
    """A notebook's status in the current language."""
    words = {"ok": _("ok"), "failed": _("failed"), "interrupted": _("interrupted"),
             NOT_APPLICABLE: _("not applicable")}
    return words.get(status, status)


def _status(entry: Mapping[str, Any] | None, folder_url: str) -> str:
    if entry is None:
        return '<span class="badge failed">{}</span>'.format(esc(_("not in this report")))
    status = entry["status"]
    badge = f'<span class="badge {badge_class(status)}">{esc(_status_word(status))}</span>'
    text = f"{badge} {entry.get('seconds', 0):.1f} s"
    if entry.get("html"):
        page_word = _("page") if status == "ok" else _("last good page")
        text += f" · {_link(folder_url, entry['html'], page_word)}"
    if entry.get("error"):
        text += f'<br><span class="error">{esc(entry["error"])}</span>'
        if entry.get("ipynb"):
            copy_word = _("executed copy")
            text += f"<br>{_link(folder_url, entry['ipynb'], copy_word)}"
    return text


def _value_cell(row: Mapping[str, Any], side: str, missing: str = _NOT_RECORDED) -> str:
    if not row[f"in_{side}"]:
        return f'<td class="missing">{_(missing)}</td>'
    value = row[side]
    # a parameter reads as it is passed (False, None), a headline number as the index shows it (no, -)
    shown = str(value) if missing == _DEFAULT and (value is None or isinstance(value, bool)) else fmt(value)
    return f'<td class="{"num" if _is_number(value) else "value"}">{esc(shown)}</td>'


def _numbers_table(rows: list[dict[str, Any]], what: str, missing: str = _NOT_RECORDED) -> str:
    """``what``: "headline number" or "parameter" (English; shown in the current language)."""
    words = {"headline number": (_("headline number"), _("No headline number.")),
             "parameter": (_("parameter"), _("No parameter."))}
    name, none = words.get(what, (what, f"No {what}."))
    if not rows:
        return f"<p>{none}</p>"
    body = []
    for row in rows:
        delta, css = row["delta"], ""
        if delta is not None and delta != 0:
            css = "up" if delta > 0 else "down"
        shown = (("0" if delta == 0 else f"{delta:+.4g}") if delta is not None
                 else _("differs") if row["differ"] else "")
        body.append(f'<tr class="{"differ" if row["differ"] else ""}"><td>{esc(row["name"])}</td>'
                    f'{_value_cell(row, "a", missing)}{_value_cell(row, "b", missing)}'
                    f'<td class="num {css}">{esc(shown)}</td></tr>')
    return (f"<table><thead><tr><th>{esc(name)}</th><th>A</th><th>B</th><th>B − A</th></tr></thead>"
            "<tbody>" + "".join(body) + "</tbody></table>")


def _conclusions(entry: Mapping[str, Any] | None) -> str:
    if entry is None:
        return "<p><i>{}</i></p>".format(_("not run"))
    if entry["status"] == NOT_APPLICABLE:  # left out on the user's table: no failure
        return f'<p><i>{esc(_(entry.get("note") or NOT_APPLICABLE))}</i></p>'
    if entry["status"] != "ok":
        return '<p class="error">{}</p>'.format(_("failed: {error}").format(error=esc(entry.get("error") or "")))
    text = entry.get("conclusions") or ""
    return markdown_html(text) if text.strip() else "<p><i>{}</i></p>".format(_("no conclusions recorded"))


def _notebook_section(stem: str, a: Mapping[str, Any] | None, b: Mapping[str, Any] | None,
                      url_a: str, url_b: str) -> str:
    title = esc((a or b or {}).get("title") or "")
    heading = f"{title} <small><code>{esc(stem)}</code></small>" if title else f"<code>{esc(stem)}</code>"
    sides = (f'<div class="sides"><div><h3>A</h3><p>{_status(a, url_a)}</p>{_conclusions(a)}</div>'
             f"<div><h3>B</h3><p>{_status(b, url_b)}</p>{_conclusions(b)}</div></div>")
    numbers = differences((a or {}).get("headline") or {}, (b or {}).get("headline") or {})
    parameters = differences((a or {}).get("parameters") or {}, (b or {}).get("parameters") or {})
    if a is None or b is None:  # nothing to compare with: what there is, folded
        shown = (_("headline numbers ({n})").format(n=len(numbers)), _("parameters ({n})").format(n=len(parameters)))
        return (f'<section class="nb absent" id="{esc(stem)}"><h2>{heading}</h2>{sides}'
                f"<details><summary>{shown[0]}</summary>"
                f"{_numbers_table(numbers, 'headline number')}</details>"
                f"<details><summary>{shown[1]}</summary>"
                f"{_numbers_table(parameters, 'parameter', _DEFAULT)}</details></section>")
    failed = any(side["status"] not in ("ok", NOT_APPLICABLE) for side in (a, b))
    changed = [r for r in parameters if r["differ"]]
    same = [r for r in parameters if not r["differ"]]
    same_in_both = _("the same in both ({n})").format(n=len(same))
    same_table = (f"<details><summary>{same_in_both}</summary>"
                  f"{_numbers_table(same, 'parameter', _DEFAULT)}</details>") if same else ""
    numbers_heading = _("Headline numbers ({differ} of {n} differ)").format(differ=sum(r["differ"] for r in numbers),
                                                                            n=len(numbers))
    parameters_heading = _("Parameters ({n} differ)").format(n=len(changed))
    unchanged = "<p>{}</p>".format(_("The same in both runs."))
    return f"""<section class="nb {"failed" if failed else "ok"}" id="{esc(stem)}">
<h2>{heading}</h2>
{sides}
<h3>{numbers_heading}</h3>
{_numbers_table(numbers, "headline number")}
<h3>{parameters_heading}</h3>
{_numbers_table(changed, "parameter", _DEFAULT) if changed else unchanged}
{same_table}
</section>"""


def _badge(entry: Mapping[str, Any] | None) -> str:
    if entry is None:
        return '<span class="badge failed">{}</span>'.format(_("not run"))
    return f'<span class="badge {badge_class(entry["status"])}">{esc(_status_word(entry["status"]))}</span>'


def _overview(stems: list[str], a: Mapping[str, Any], b: Mapping[str, Any]) -> str:
    rows = []
    for stem in stems:
        ea, eb = a.get(stem), b.get(stem)
        numbers = differences((ea or {}).get("headline") or {}, (eb or {}).get("headline") or {})
        counted = (_("{differ} of {n}").format(differ=sum(r["differ"] for r in numbers), n=len(numbers))
                   if ea and eb else "-")
        rows.append(f'<tr><td><a href="#{esc(stem)}">{esc(stem)}</a></td><td>{_badge(ea)}</td><td>{_badge(eb)}</td>'
                    f'<td class="num">{counted}</td></tr>')
    head = (_("notebook"), _("headline numbers that differ"))
    return (f"<table><thead><tr><th>{head[0]}</th><th>A</th><th>B</th><th>{head[1]}</th></tr>"
            "</thead><tbody>" + "".join(rows) + "</tbody></table>")


def _url(folder: Path, start: Path) -> str:
    return Path(os.path.relpath(folder.resolve(), start.resolve())).as_posix()


def _side_summary(label: str, folder: Path, summary: Mapping[str, Any], url: str) -> str:
    entries = summary["notebooks"]
    failed = sum(e["status"] not in ("ok", NOT_APPLICABLE) for e in entries)
    failures = (', <span class="error">{}</span>'.format(_("{n} failed").format(n=failed))) if failed else ""
    return "<li>{}</li>".format(_("{side}: {folder} · profile {profile} · {n} notebooks{failures} · updated "
                                  "{updated}").format(
        side=f"<b>{label}</b>", folder=f'<a href="{esc(url)}/index.html">{esc(folder)}</a>',
        profile=f"<b>{esc(summary.get('profile'))}</b>", n=len(entries), failures=failures,
        updated=esc(summary.get("updated"))))


def compare_html(dir_a: str | Path, dir_b: str | Path, out_dir: str | Path = ".") -> str:
    """The comparison page of two report folders, with links relative to ``out_dir``."""
    dir_a, dir_b, out_dir = Path(dir_a), Path(dir_b), Path(out_dir)
    summary_a, summary_b = load_summary(dir_a), load_summary(dir_b)
    url_a, url_b = _url(dir_a, out_dir), _url(dir_b, out_dir)
    a = {e["notebook"]: e for e in summary_a["notebooks"]}
    b = {e["notebook"]: e for e in summary_b["notebooks"]}
    stems = sorted(set(a) | set(b))
    changed = differing_parameters(summary_a, summary_b)
    if changed:
        rows = "".join(f'<tr class="differ"><td><code>{esc(r["name"])}</code></td>{_value_cell(r, "a", _DEFAULT)}'
                       f'{_value_cell(r, "b", _DEFAULT)}<td>{", ".join(esc(n) for n in r["notebooks"])}</td></tr>'
                       for r in changed)
    words = (_("Parameters that differ"), _("parameter"), _("in notebooks"),
             _("None: both runs used the same parameters."))
    if changed:
        params = (f"<h2>{words[0]}</h2><table><thead><tr><th>{words[1]}</th><th>A</th>"
                  f"<th>B</th><th>{words[2]}</th></tr></thead><tbody>{rows}</tbody></table>")
    else:
        params = f"<h2>{words[0]}</h2><p>{words[3]}</p>"
    only = ["<li>{}</li>".format(_("{notebook} only in {side}").format(notebook=f"<code>{esc(s)}</code>",
                                                                       side="A" if s in a else "B"))
            for s in stems if (s in a) != (s in b)]
    heading, only_heading = _("Two ecombalance reports side by side"), _("Notebooks in one report only")
    body = [
        f"<h1>{heading}</h1>",
        f"<ul>{_side_summary('A', dir_a, summary_a, url_a)}{_side_summary('B', dir_b, summary_b, url_b)}</ul>",
        _overview(stems, a, b),
        params,
        f"<h2>{only_heading}</h2><ul>{''.join(only)}</ul>" if only else "",
        *(_notebook_section(s, a.get(s), b.get(s), url_a, url_b) for s in stems),
    ]
    mathjax = next((f"{url}/{MATHJAX_DIR}/MathJax.js?config={MATHJAX_CONFIG}"
                    for url, folder in ((url_a, dir_a), (url_b, dir_b)) if (folder / MATHJAX_DIR).is_dir()), None)
    return page(_TITLE, "\n".join(x for x in body if x), mathjax, _EXTRA_STYLE)


def _default_name(dir_a: Path, dir_b: Path) -> str:
    def clean(path: Path) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "_", path.resolve().name) or "report"

    return f"compare-{clean(dir_a)}-vs-{clean(dir_b)}.html"


def is_comparison_page(path: str | Path) -> bool:
    """Whether ``path`` is a page :func:`write_comparison` wrote (its title says so), which it may replace."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(4096)
    except OSError:
        return False
    return f"<title>{esc(_TITLE)}</title>" in head


def write_comparison(dir_a: str | Path, dir_b: str | Path, out: str | Path | None = None) -> Path:
    """Write :func:`compare_html` to ``out`` (default ``compare-<A>-vs-<B>.html`` in the current folder).

    An existing ``out`` is replaced only when it is a comparison page itself (:func:`is_comparison_page`): a
    report's ``index.html``, or any other file, is never overwritten.
    """
    out = Path(out) if out else Path.cwd() / _default_name(Path(dir_a), Path(dir_b))
    if out.is_dir():
        raise CompareError(f"--out {out} is a folder; give the file name of the page, e.g. "
                           f"{out / _default_name(Path(dir_a), Path(dir_b))}")
    if out.suffix.lower() not in (".html", ".htm"):
        raise CompareError(f"--out {out}: the comparison is an HTML page; give a file name ending in .html")
    if out.exists() and not is_comparison_page(out):
        raise CompareError(f"--out {out} exists and is not a comparison page of ecombalance (a report's index, or a "
                           "file of yours): it would be replaced; give another file name")
    text = compare_html(dir_a, dir_b, out.parent)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, out)
    return out
