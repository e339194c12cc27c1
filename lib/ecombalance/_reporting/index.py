"""The report's ``index.html``: what each notebook found, built from ``summary.json`` alone.

First the executive summary (:mod:`ecombalance._reporting.executive`); on a user's table then the file, its
label and columns. Per notebook: its title and link, status and time, the key figure as a thumbnail, the "What
we saw" bullets, a table of methods when the notebook recorded ``"<method>/<metric>"`` headline numbers
(notebook 06), and the headline numbers, labelled in words, folded under ``<details>``. Last, a link to the
glossary appendix (:func:`glossary_html`). The words are the current language's (:mod:`ecombalance.i18n`).
"""

from __future__ import annotations

import html
import math
from typing import Any, Mapping

from ecombalance._reporting import labels
from ecombalance._reporting.executive import comparison_kind, executive_html, is_number, method_rows
from ecombalance._reporting.labels import label, listing
from ecombalance.i18n import get_language, pgettext
from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_

_SUMMARY_FILE = "summary.json"  # runner.SUMMARY, beside index.html
GLOSSARY_FILE = "glossary.html"  # the appendix, written by the runner beside index.html
_GLOSSARY_TITLE = "Glossary · 术语表"  # the appendix's name in both editions
STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1.5rem; color: #1f2328; line-height: 1.45; }
h1 { margin-bottom: .2rem; } .meta { color: #59636e; margin-top: 0; }
section.nb { border: 1px solid #d1d9e0; border-radius: 8px; padding: .8rem 1.2rem; margin: 1.2rem 0;
             display: flow-root; }
section.nb.failed { border-color: #cf222e; background: #fff5f5; }
section.nb h2 { margin: .2rem 0 .3rem; font-size: 1.25rem; } section.nb h2 a { text-decoration: none; }
.badge { display: inline-block; border-radius: 1rem; padding: 0 .6rem; font-size: .85rem; font-weight: 600; }
.badge.ok { background: #dafbe1; color: #116329; } .badge.failed { background: #ffebe9; color: #a40e26; }
.badge.na { background: #eff1f3; color: #59636e; } section.nb.na { background: #f6f8fa; }
p.generated { background: #fff8c5; border-radius: 4px; padding: .2rem .5rem; }
.thumb { float: right; margin: 0 0 .6rem 1.2rem; }
.thumb img { width: 340px; max-height: 230px; object-fit: contain; border: 1px solid #d1d9e0; border-radius: 4px;
             background: white; }
.error { color: #a40e26; }
table { border-collapse: collapse; margin: .5rem 0; font-size: .92rem; }
td, th { border: 1px solid #d1d9e0; padding: .25rem .6rem; text-align: left; vertical-align: top; }
th { background: #f6f8fa; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.gain td { background: #e6ffec; } tr.loss td { background: #ffebe9; }
tr.baseline td { background: #f6f8fa; font-style: italic; }
tr.differ td { background: #fff8c5; } td.missing { color: #8c959f; }
details { margin: .4rem 0; } summary { cursor: pointer; color: #59636e; }
.data { background: #f6f8fa; border-radius: 8px; padding: .6rem 1.2rem; }
section.summary { border: 2px solid #0969da; border-radius: 8px; padding: .6rem 1.2rem; margin: 1.2rem 0;
                  background: #f6fbff; }
section.summary h2 { margin: .2rem 0 .4rem; } section.summary dt { font-weight: 600; margin-top: .4rem; }
section.summary dd { margin: .1rem 0 .3rem 0; }
code { background: #eff1f3; border-radius: 4px; padding: 0 .25rem; font-size: .9em; }
"""


def esc(value: Any) -> str:
    return html.escape(str(value))


def fmt(value: Any) -> str:
    """A headline value as the index shows it: floats to 3 decimals, integers with thousands separators,
    None as "–" (:func:`ecombalance._reporting.labels.number`)."""
    return labels.number(value)


def markdown_html(text: str) -> str:
    """Generated Markdown (conclusions) as HTML, with ``$...$`` left for MathJax."""
    from nbconvert.filters import markdown2html

    return markdown2html(text)


def mathjax_script(url: str | None) -> str:
    """The MathJax 2 loader and the inline/display delimiters of nbconvert's pages."""
    if not url:
        return ""
    config = ('MathJax.Hub.Config({tex2jax: {inlineMath: [["$","$"], ["\\\\(","\\\\)"]], '
              'processEscapes: true}, messageStyle: "none"});')
    return (f'<script type="text/x-mathjax-config">{config}</script>\n'
            f'<script src="{esc(url)}"></script>')


def page(title: str, body: str, mathjax_url: str | None = None, extra_style: str = "") -> str:
    """A complete HTML page in the report's style."""
    return f"""<!doctype html>
<html lang="{"zh-CN" if get_language() == "zh" else "en"}"><head><meta charset="utf-8"><title>{esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>{STYLE}{extra_style}</style>
{mathjax_script(mathjax_url)}
</head><body>
{body}
</body></html>
"""


def _num(value: Any, digits: int = 3) -> str:
    return f"{value:.{digits}f}" if is_number(value) else "-"


def _verdict(row: Mapping[str, Any], base: Mapping[str, Any] | None) -> str:
    """What the row was compared with and the verdicts: "against none+logreg: macro-F1 +0.021 (not enough
    evidence); ..." for a balancing method, "model choice against ..." for a plain model."""
    if row["baseline"]:
        return pgettext("verdict", "baseline")
    against = row.get("against") if isinstance(row.get("against"), str) else (base or {}).get("method", "")
    kind = comparison_kind(row["method"], against) if against else "other"
    parts = []
    for metric, words in (("macro_f1", _("macro-F1")), ("recall_smallest", _("smallest-class recall"))):
        if f"{metric}_real" not in row:
            continue
        diff = row.get(f"{metric}_difference")
        diff = float(diff) if is_number(diff) else math.nan
        verdict = pgettext("verdict", "real") if row[f"{metric}_real"] else _("not enough evidence")
        parts.append(_("{metric} {difference} ({verdict})").format(metric=words, difference=f"{diff:+.3f}",
                                                                   verdict=verdict)
                     if math.isfinite(diff) else _("{metric} ({verdict})").format(metric=words, verdict=verdict))
    if not parts:
        return "-"
    lead = {"balancing": _("against {against}: {verdicts}"),
            "capacity": _("model choice against {against}: {verdicts}")}.get(
        kind, _("model and balancing against {against}: {verdicts}"))
    return lead.format(against=against, verdicts=listing(parts, "; "))


def method_table(numbers: Mapping[str, Any]) -> str:
    """The comparison of methods (notebook 06) as an HTML table, or "" when there is none: each balancing method
    against the same model without balancing, each plain model against the baseline (model choice)."""
    rows = method_rows(numbers)
    if not rows:
        return ""
    base = next((r for r in rows if r["baseline"]), None)
    body = []
    for row in rows:
        ci = (f" [{_num(row['macro_f1_ci_low'])}, {_num(row['macro_f1_ci_high'])}]"
              if "macro_f1_ci_low" in row else "")
        css = "baseline" if row["baseline"] else ""
        diff = row.get("macro_f1_difference")
        if row.get("macro_f1_real") and is_number(diff):  # a real difference in macro-F1: green up, red down
            css = "gain" if diff > 0 else "loss" if diff < 0 else ""
        body.append(
            f'<tr class="{css}"><td><code>{esc(row["method"])}</code></td>'
            f'<td class="num">{_num(row["macro_f1"])}{ci}</td>'
            f'<td class="num">{_num(row.get("balanced_accuracy"))}</td>'
            f'<td class="num">{_num(row.get("recall_smallest"))}</td>'
            f"<td>{esc(_verdict(row, base))}</td></tr>"
        )
    headers = (pgettext("column", "method"), _("macro-F1 [95 % CI]"), pgettext("column", "balanced accuracy"),
               _("recall, smallest class"),
               _("difference to the same model without balancing (plain models: model choice)"))
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    return (f"<table class=\"methods\"><thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(body)
            + "\n</tbody></table>")


def numbers_table(numbers: Mapping[str, Any], labelled: bool = True) -> str:
    """Names and values as a table: headline keys in words (:func:`label`), or as ``code`` (parameters)."""
    def name(key: str) -> str:
        return esc(label(key)) if labelled else f"<code>{esc(key)}</code>"

    rows = "".join(f'<tr><td>{name(k)}</td><td class="num">{esc(fmt(v))}</td></tr>' for k, v in numbers.items())
    return f"<table><tbody>{rows}</tbody></table>"


def _file_columns(path: str) -> list[str] | None:
    """Column names of a CSV/TSV/Parquet file, read from its header only (None if it cannot be read)."""
    try:
        if path.lower().endswith((".parquet", ".pq")):
            import pyarrow.parquet as pq

            return list(pq.read_schema(path).names)
        import pandas as pd

        sep = "\t" if path.lower().endswith((".tsv", ".tab")) else ","
        return list(pd.read_csv(path, sep=sep, nrows=0).columns)
    except Exception:  # a moved or unreadable file: the index still shows what was asked for
        return None


def data_source(summary: Mapping[str, Any]) -> dict[str, Any] | None:
    """The user's table of this report: its file and every ``*_col``/``*_cols`` parameter that is set,
    from the first notebook that ran on it; None on the generated data."""
    for entry in summary.get("notebooks", []):
        parameters = entry.get("parameters") or {}
        if parameters.get("data_path"):
            columns = {k: v for k, v in parameters.items()
                       if k.endswith(("_col", "_cols")) and v not in ("", None, [])}
            extra = {k: parameters[k] for k in ("min_class_size",) if parameters.get(k)}
            return {"file": parameters["data_path"], **columns, **extra, **_feature_roles(summary)}
    return None


# what notebook 01 records about the columns of a user's table (data.checks decides, before any kernel starts)
_ROLES = {"features": N_("features used"), "columns_left_out": N_("columns left out"),
          "leaking_columns": N_("leaking columns")}
# a notebook's status as the index shows it
_STATUS = {"ok": N_("ok"), "failed": N_("failed"), "interrupted": N_("interrupted"),
           "not applicable": N_("not applicable")}


def _feature_roles(summary: Mapping[str, Any]) -> dict[str, list[str]]:
    """The features used and the columns left out (with the leaking ones), from notebook 01's headline."""
    for entry in summary.get("notebooks", []):
        headline = entry.get("headline") or {}
        if any(key in headline for key in _ROLES):
            return {key: [part.strip() for part in str(headline[key]).split(",") if part.strip()]
                    for key in _ROLES if headline.get(key) not in (None, "", "none")}
    return {}


def _label(parameter: str) -> str:
    """``label_col`` -> "label column", ``text_cols`` -> "text columns", ``min_class_size`` -> "min class size"."""
    if parameter in _ROLES:
        return _(_ROLES[parameter])
    for suffix, words in (("_cols", _("{name} columns")), ("_col", _("{name} column"))):
        if parameter.endswith(suffix):
            return words.format(name=parameter[: -len(suffix)].replace("_", " "))
    return _("min class size") if parameter == "min_class_size" else parameter.replace("_", " ")


def _codes(value: Any) -> str:
    values = value if isinstance(value, (list, tuple)) else [value]
    return listing(f"<code>{esc(v)}</code>" for v in values)


def _data_section(source: Mapping[str, Any]) -> str:
    items = "".join(f"<li>{esc(_label(k))}: {_codes(v)}</li>" for k, v in source.items() if k != "file")
    columns = _file_columns(str(source["file"]))
    listed = _("columns of the file ({n}): {columns}").format(n=len(columns), columns=_codes(columns)) if columns else ""
    listed = f"<li>{listed}</li>" if listed else ""
    file = _("file: {file}").format(file=f"<code>{esc(source['file'])}</code>")
    heading = _("Your table")
    return (f'<section class="data"><h2>{esc(heading)}</h2><ul><li>{file}</li>'
            f"{items}{listed}</ul></section>")


NOT_APPLICABLE = "not applicable"
"""The status of a notebook the report left out because it cannot apply to the user's table (no failure)."""
GENERATED_NOTE = N_("On generated data (not your table): this chapter does not read your file, so none of its "
                    "numbers is about your table.")
"""What the index says above a notebook of a user's report that ran on generated data (``"data": "generated"``);
English, shown in the current language."""


def badge_class(status: str) -> str:
    """The CSS class of a notebook's status badge and section: ``ok``, ``na`` (not applicable: grey, no failure)
    or ``failed`` (failed, interrupted)."""
    return {"ok": "ok", NOT_APPLICABLE: "na"}.get(status, "failed")


def _status(status: str) -> str:
    """A notebook's status in words of the current language."""
    return _(_STATUS[status]) if status in _STATUS else status


def _notebook_section(entry: Mapping[str, Any]) -> str:
    stem, status = entry["notebook"], entry["status"]
    link = None if status == NOT_APPLICABLE else entry.get("html") or entry.get("ipynb")
    title = esc(entry.get("title") or stem)
    heading = f'<a href="{esc(link)}">{title}</a>' if link else title
    parts = [f'<section class="nb {badge_class(status)}" id="{esc(stem)}">']
    if entry.get("figure") and status == "ok":
        alt = esc(_("key figure of {notebook}").format(notebook=stem))
        parts.append(f'<a class="thumb" href="{esc(link or entry["figure"])}">'
                     f'<img src="{esc(entry["figure"])}" alt="{alt}"></a>')
    parts.append(f"<h2>{heading}</h2>")
    name = f'<a href="{esc(link)}">{esc(stem)}</a>' if link else esc(stem)
    meta = (f'<span class="badge {badge_class(status)}">{esc(_status(status))}</span> '
            f'{entry.get("seconds", 0):.1f} s · {name}')
    parts.append(f"<p>{meta}</p>")
    if status == NOT_APPLICABLE:
        note = _("Left out on your table: {note}").format(note=_(entry.get("note") or NOT_APPLICABLE))
        parts.append(f'<p class="note">{esc(note)}</p>')
    if entry.get("data") == "generated" and status == "ok":
        parts.append(f'<p class="generated">{esc(_(GENERATED_NOTE))}</p>')
    if entry.get("error"):
        copy = entry.get("ipynb")
        parts.append(f'<p class="error">{esc(entry["error"])}'
                     + ("<br>" + _("executed copy: {link}").format(link=f'<a href="{esc(copy)}">{esc(copy)}</a>')
                        if copy else "")
                     + ("<br>" + _("last good run: {when}").format(when=esc(entry["last_good"]))
                        if entry.get("last_good") else "")
                     + "</p>")
    if entry.get("conclusions") and status == "ok":
        parts.append(f'<div class="conclusions">{markdown_html(entry["conclusions"])}</div>')
    numbers = entry.get("headline") or {}
    parts.append(method_table(numbers))
    if numbers:
        shown = _("headline numbers ({n})").format(n=len(numbers))
        parts.append(f"<details><summary>{esc(shown)}</summary>{numbers_table(numbers)}</details>")
    if entry.get("parameters"):
        parameters = numbers_table(entry["parameters"], labelled=False)
        shown = _("parameters")
        parts.append(f"<details><summary>{esc(shown)}</summary>{parameters}</details>")
    parts.append("</section>")
    return "\n".join(p for p in parts if p)


def index_html(summary: Mapping[str, Any], mathjax_url: str | None = None) -> str:
    """The index page of a report folder from its ``summary.json`` content."""
    entries = summary.get("notebooks", [])
    not_ok = [e["status"] for e in entries if e["status"] not in ("ok", NOT_APPLICABLE)]
    left_out = sum(e["status"] == NOT_APPLICABLE for e in entries)
    seconds = sum(e.get("seconds") or 0 for e in entries)
    counts = listing(_("{n} {status}").format(n=not_ok.count(status), status=_status(status))
                     for status in sorted(set(not_ok)))
    ran = _("{n} ok").format(n=len(entries) - left_out) if left_out else _("all ok")
    state = (f'<span class="badge failed">{counts}</span>' if not_ok
             else '<span class="badge ok">{}</span>'.format(esc(ran)))
    if left_out:
        state += ' <span class="badge na">{}</span>'.format(
            esc(_("{n} {status}").format(n=left_out, status=_status(NOT_APPLICABLE))))
    meta = _("Profile <b>{profile}</b> · {n} notebooks {state} · {seconds} s of notebook time · updated {updated} · "
             "machine-readable: {summary} · appendix: {glossary}").format(
        profile=esc(summary.get("profile")), n=len(entries), state=state, seconds=f"{seconds:.0f}",
        updated=esc(summary.get("updated")), summary=f'<a href="{_SUMMARY_FILE}">{_SUMMARY_FILE}</a>',
        glossary=f'<a href="{GLOSSARY_FILE}">{_GLOSSARY_TITLE}</a>')
    header = "<h1>{}</h1>\n<p class=\"meta\">{}</p>".format(esc(_("ecombalance report")), meta)
    source = data_source(summary)
    body = [header, executive_html(summary), _data_section(source) if source else ""]
    body += [_notebook_section(entry) for entry in entries]
    appendix = _("Appendix: {glossary}, every term the notebooks use, in Chinese and English.").format(
        glossary=f'<a href="{GLOSSARY_FILE}">{_GLOSSARY_TITLE}</a>')
    body.append(f'<p class="meta">{appendix}</p>')
    return page(_("ecombalance report ({profile})").format(profile=summary.get("profile")),
                "\n".join(b for b in body if b), mathjax_url)



def glossary_html(mathjax_url: str | None = None) -> str:
    """The appendix page ``glossary.html``: the library's glossary
    (:func:`ecombalance._chapters.glossary.glossary_markdown`), linked from the index and notebook 00."""
    from ecombalance._chapters.glossary import glossary_markdown

    title = _("Glossary · 术语表")
    note = _("Appendix of the report: every technical term the notebooks use, in Chinese and English, with what it "
             "means here.")
    back = _("← report index")
    body = (f'<p class="meta"><a href="index.html">{esc(back)}</a></p>\n<h1>{esc(title)}</h1>\n'
            f'<p class="meta">{esc(note)}</p>\n' + markdown_html(glossary_markdown()))
    return page(title, body, mathjax_url)
