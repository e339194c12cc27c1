"""The Chinese edition (中文版, issue 29): notebooks built from the English ones and ``notebooks/zh/*.po``, the switch
(``--lang zh``, ``eb.report(lang=)``, ``make report LANG=zh``) and the Chinese report.

The fast tests build every notebook from a copy of the project whose catalogues are complete (an entry without a
current translation gets a stand-in, "译文" + the English), so that they check the builder on the real notebooks
whatever the state of the translations; tests/test_i18n.py checks the real catalogues. The slow tests run the zh
smoke report (a session fixture of tests/conftest.py) and open it in headless Chromium.
"""

import html
import json
import re
import shutil
import subprocess
import sys

import nbformat
import pytest
from conftest import ROOT, write_notebook

from ecombalance._reporting import cli, edition, params, paths, runner
from ecombalance._reporting.index import page

sys.path.insert(0, str(ROOT / "tools"))
import catalogue  # noqa: E402  (tools/catalogue.py, the maintainers' tool)

NOTEBOOKS = [nb.stem for nb in runner.discover(ROOT / "notebooks")]
DECLARE_LANG = {stem for stem in NOTEBOOKS  # the notebooks with generated data, whose language is `lang`
                if "lang" in params.declared_parameters(ROOT / "notebooks" / f"{stem}.ipynb")}


def complete_copy(root, missing: str | None = None):
    """A project root under ``root`` with the real notebooks and profiles and complete catalogues: current
    translations kept, every other entry translated by a stand-in; ``missing`` (a cell id) left untranslated."""
    for folder, pattern in paths.SUITE_FOLDERS.items():
        (root / folder).mkdir(parents=True, exist_ok=True)
        for f in (ROOT / folder).glob(pattern):
            shutil.copy2(f, root / folder / f.name)
    for po, template in catalogue.notebook_targets(root / "notebooks"):
        catalog = catalogue.merged(po, template)
        for message in catalog:
            if message.id and message.context == missing:
                message.string = ""
            elif message.id and (message.fuzzy or not message.string):
                message.string = "译文：" + message.id
                message.flags.discard("fuzzy")
        catalogue.write(catalog, po)
    return root


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    return complete_copy(tmp_path_factory.mktemp("project"))


def test_chinese_share_counts_chinese_characters_among_the_letters_by_hand():
    text = ("## 样本均衡 (sample balancing)\n用 `smote+logreg` 时，宏平均 F1 为 0.82，见 $\\frac{a}{b}$ 和 "
            "https://example.com/x 与 class_weight。<a id=\"x\"></a>")
    # Chinese: 样本均衡 用 时 宏平均 为 见 和 与 = 4+1+1+3+1+1+1+1 = 13; other letters: sample balancing F = 6+9+1 = 16
    # (not counted: the code span, the formula, the URL, class_weight, the HTML anchor, the digits)
    assert edition.chinese_share(text) == pytest.approx(13 / 29)
    assert edition.chinese_share("样本均衡") == 1.0
    assert edition.chinese_share("`code` 0.5 $x$") == 0.0  # no letters
    assert edition.chinese_share("```python\nsample = 1\n```\n过采样") == 1.0


@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_the_zh_notebook_is_the_english_one_with_translated_markdown_and_one_injected_cell(project, stem):
    english = nbformat.read(project / "notebooks" / f"{stem}.ipynb", as_version=4)
    entries = edition.read_translations(project / "notebooks" / "zh" / f"{stem}.po")
    built = edition.edition_notebook(project / "notebooks" / f"{stem}.ipynb", "zh")

    injected = [c for c in built.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    others = [c for c in built.cells if c is not injected[0]]
    assert [c.cell_type for c in others] == [c.cell_type for c in english.cells]
    assert [c.id for c in others] == [c.id for c in english.cells]
    for mine, source in zip(others, english.cells):
        if source.cell_type == "code":
            assert mine == source  # source, metadata and all
        else:
            assert mine.source == entries[source.id][1] and entries[source.id][0] == source.source
    parameters = next(i for i, c in enumerate(built.cells) if "parameters" in c.metadata.get("tags", []))
    assert built.cells[parameters + 1] is injected[0]
    expected = '# Parameters\nedition = "zh"\n' + ('lang = "zh"\n' if stem in DECLARE_LANG else "")
    assert injected[0].source == expected and injected[0].id == edition.INJECTED_ID
    assert built.metadata["ecombalance"] == {"edition": "zh", "built_from": f"{stem}.ipynb",
                                             "translations": f"zh/{stem}.po"}
    assert built.metadata["kernelspec"] == english.metadata["kernelspec"]
    nbformat.validate(built)
    # papermill replaces the built cell with its own (the report passes the edition's parameters again)
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    rerun = parameterize_notebook(load_notebook_node(built), {"edition": "zh", "seed": 1})
    cells = [c for c in rerun.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(cells) == 1 and cells[0].source == '# Parameters\nedition = "zh"\nseed = 1\n'


def test_every_english_notebook_declares_edition_and_sets_the_language_before_any_text():
    for stem in NOTEBOOKS:
        nb = nbformat.read(ROOT / "notebooks" / f"{stem}.ipynb", as_version=4)
        code = [c.source for c in nb.cells if c.cell_type == "code"]
        assert code[0].startswith('edition = "en"  # the narrative\'s language: "en" or "zh" (中文版)\n'), stem
        assert "from ecombalance import " in code[1] and "i18n" in code[1], stem
        assert "i18n.set_language(edition)" in code[1], stem


def test_notebooks_lang_zh_writes_the_nine_chinese_notebooks(project, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(paths.HOME_ENV, str(project))
    target = tmp_path / "course"
    assert cli.main(["notebooks", str(target), "--lang", "zh"]) == 0
    out = capsys.readouterr().out
    assert f"wrote the zh edition of 9 notebooks to {target / 'notebooks'}" in out
    assert "ecombalance report --profile smoke --lang zh" in out
    written = sorted((target / "notebooks").glob("*.ipynb"))
    assert [p.stem for p in written] == NOTEBOOKS
    for path in written:
        text = path.read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), indent=1, ensure_ascii=False) + "\n"  # as the sources are kept
        assert nbformat.read(path, as_version=4) == edition.edition_notebook(project / "notebooks" / path.name)
    assert sorted(p.name for p in (target / "notebooks" / "zh").glob("*.po")) == [f"{s}.po" for s in NOTEBOOKS]
    assert (target / "params" / "smoke.yaml").read_bytes() == (ROOT / "params" / "smoke.yaml").read_bytes()
    # a zh notebook is its own edition: the report runs it as it is, and refuses it as an English one
    zh = target / "notebooks" / "01_documented_case.ipynb"
    assert edition.edition_notebook(zh, "zh") == nbformat.read(zh, as_version=4)
    with pytest.raises(runner.ReportError, match="is the 'zh' edition of its notebook: run it with --lang zh"):
        edition.editions([zh], "en")


def test_a_missing_translation_stops_the_switch_before_anything_is_written(tmp_path, monkeypatch, capsys):
    project = complete_copy(tmp_path / "project", missing="cell-04")
    monkeypatch.setenv(paths.HOME_ENV, str(project))
    out = tmp_path / "report"
    assert cli.main(["report", "--profile", "smoke", "--lang", "zh", "--notebooks", "01,02", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "the Chinese edition of 01_documented_case.ipynb cannot be built" in err
    assert "cell cell-04 ('## Class distribution') has no Chinese translation" in err
    assert "run `python tools/catalogue.py`" in err
    assert not out.exists()
    assert cli.main(["notebooks", str(tmp_path / "course"), "--lang", "zh"]) == 2
    assert "cell cell-04 ('## Class distribution')" in capsys.readouterr().err
    assert not (tmp_path / "course").exists()
    with pytest.raises(SystemExit):  # argparse's choices name the editions
        cli.main(["report", "--lang", "fr"])
    assert re.search(r"argument --lang: invalid choice: 'fr' \(choose from '?en'?, '?zh'?\)", capsys.readouterr().err)


def test_the_switch_sets_edition_and_the_chinese_data_but_never_a_users_tables_language():
    kwargs = {"notebooks_dir": ROOT / "notebooks", "params_dir": ROOT / "params"}
    english = runner.plan("smoke", **kwargs)
    assert english == runner.plan("smoke", lang="en", **kwargs)
    assert all("edition" not in values and "lang" not in values for values in english.values())  # as before
    chinese = runner.plan("smoke", lang="zh", **kwargs)
    for nb, values in chinese.items():
        assert values == {**english[nb], "edition": "zh", **({"lang": "zh"} if nb.stem in DECLARE_LANG else {})}
    assert {nb.stem for nb, v in chinese.items() if "lang" not in v} == {"00_overview"}
    table = runner.plan("smoke", ["01", "06"], {"data_path": "my.csv", "label_col": "y"}, lang="zh", **kwargs)
    assert all(v["edition"] == "zh" and "lang" not in v for v in table.values())
    given = runner.plan("smoke", ["01"], {"lang": "en"}, lang="zh", **kwargs)
    assert [(v["edition"], v["lang"]) for v in given.values()] == [("zh", "en")]
    with pytest.raises(ValueError, match="unknown edition 'fr'"):
        runner.plan("smoke", ["01"], lang="fr", **kwargs)


def test_pages_say_their_language_and_the_chinese_report_has_its_own_folder(tmp_path, monkeypatch):
    english = page("t", "<p>x</p>")
    assert edition.html_lang(english, "en") == english and '<html lang="en">' in english
    assert edition.html_lang(english, "zh") == english.replace('<html lang="en">', '<html lang="zh-CN">')
    monkeypatch.chdir(tmp_path)
    assert paths.default_out("quick") == tmp_path / "reports" / "quick"
    assert paths.default_out("quick", "zh") == tmp_path / "reports" / "quick-zh"


def test_make_report_lang_zh_picks_the_edition_and_keeps_a_sane_locale():
    def make(*args, env_lang="en_US.UTF-8"):
        """The report recipe `make -n` prints, and the edition and locale a recipe sees."""
        run = {"capture_output": True, "text": True, "env": {"PATH": "/usr/bin:/bin", "LANG": env_lang}, "timeout": 30}
        recipe = subprocess.run(["make", "-n", "-C", str(ROOT), "report", *args], **run).stdout
        seen = subprocess.run(["make", "-s", "-C", str(ROOT), *args, "--eval",
                               'z1-seen:\n\t@echo "$(EDITION) $$LANG"', "z1-seen"], **run).stdout
        return next(line for line in recipe.splitlines() if "ecombalance report" in line), seen.split()

    recipe, seen = make()
    assert recipe.endswith("report --profile quick --lang en --out reports/quick") and seen == ["en", "en_US.UTF-8"]
    recipe, seen = make(env_lang="zh")  # the locale never picks the edition
    assert recipe.endswith("--lang en --out reports/quick") and seen == ["en", "zh"]
    recipe, seen = make("LANG=zh")
    assert recipe.endswith("--profile quick --lang zh --out reports/quick-zh") and seen == ["zh", "C.UTF-8"]
    recipe, _ = make("EDITION=zh", "PROFILE=smoke")
    assert recipe.endswith("--lang zh --out reports/smoke-zh")


def test_api_report_takes_the_edition(tmp_path):
    import pandas as pd

    from ecombalance import _api as api

    frame = pd.DataFrame({"title": ["a b", "c d"] * 10, "y": ["p", "q"] * 10})
    with pytest.raises(ValueError, match="The 'lang' parameter of report must be one of 'en', 'zh'; got 'fr'"):
        api.report(frame, tmp_path / "r", label="y", lang="fr")
    assert not (tmp_path / "r").exists()


@pytest.mark.slow
def test_both_editions_of_a_notebook_run_with_their_language(tmp_path):
    """A small notebook through the harness in each edition: the zh run executes the built notebook (Chinese
    markdown) with edition="zh" and lang="zh" in the kernel, says zh-CN and records "lang"; the English run does not
    change."""
    nbdir = tmp_path / "notebooks"
    write_notebook(nbdir / "01_small.ipynb", 'edition = "en"  # edition\nlang = "en"  # data',
                   "from ecombalance import i18n\nfrom ecombalance._reporting import headline\n"
                   "i18n.set_language(edition)\nheadline.record(edition=i18n.get_language(), data_lang=lang)")
    [(po, template)] = catalogue.notebook_targets(nbdir)
    catalog = catalogue.merged(po, template)
    next(m for m in catalog if m.id == "# test notebook").string = "# 测试笔记本"
    catalogue.write(catalog, po)
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "smoke.yaml").write_text("{}\n")
    runs = {}
    for lang in ("en", "zh"):
        runs[lang] = runner.run_report("smoke", out=tmp_path / lang, notebooks_dir=nbdir,
                                       params_dir=tmp_path / "params", log=lambda _: None, lang=lang).raise_if_failed()
    en, zh = (json.loads(runs[lang].summary.read_text()) for lang in ("en", "zh"))
    assert en["lang"] == "en" and zh["lang"] == "zh"
    assert en["notebooks"][0]["headline"] == {"edition": "en", "data_lang": "en"}
    assert zh["notebooks"][0]["headline"] == {"edition": "zh", "data_lang": "zh"}
    assert en["notebooks"][0]["title"] == "test notebook" and zh["notebooks"][0]["title"] == "测试笔记本"
    for lang, mark in (("en", '<html lang="en">'), ("zh", '<html lang="zh-CN">')):
        for name in ("index.html", "glossary.html", "01_small.html"):
            assert mark in (tmp_path / lang / name).read_text(), (lang, name)


# --- the zh smoke report: every notebook in Chinese (needs every translation: Z2-Z5's work) ---

def prose(executed: dict) -> str:
    """A page's markdown cells and generated Markdown outputs ("What we saw", notes, tables), as the reader sees."""
    parts = []
    for cell in executed["cells"]:
        if cell["cell_type"] == "markdown":
            parts.append("".join(cell["source"]))
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/markdown")
            if text:
                parts.append("".join(text))
    return "\n".join(parts)


@pytest.mark.notebooks
@pytest.mark.slow
def test_the_zh_smoke_report_records_its_language_and_says_zh_cn(zh_smoke_report):
    summary = json.loads(zh_smoke_report.summary.read_text())
    assert summary["lang"] == "zh" and summary["profile"] == "smoke"
    assert [(e["notebook"], e["status"]) for e in summary["notebooks"]] == [(s, "ok") for s in NOTEBOOKS]
    assert all(e["parameters"]["edition"] == "zh" for e in summary["notebooks"])
    assert all(e["parameters"].get("lang") == "zh" for e in summary["notebooks"] if e["notebook"] in DECLARE_LANG)
    for name in ["index.html", "glossary.html", *(f"{s}.html" for s in NOTEBOOKS)]:
        assert '<html lang="zh-CN">' in (zh_smoke_report.out_dir / name).read_text(), name
    # on the Chinese documented case: notebook 01's character n-grams beat default word tokens (as
    # test_notebooks' run of `-p lang zh` finds in the English edition)
    tokens = summary["notebooks"][1]["headline"]
    assert tokens["text_analyzer"] == "auto (char)"
    assert tokens["macro_f1_text_analyzer"] > tokens["macro_f1_word_tokens"] + 0.1
    index = html.unescape((zh_smoke_report.out_dir / "index.html").read_text())
    executive = re.search(r'<section class="summary"[^>]*>(.*?)</section>', index, re.S)
    assert executive, "the index has no executive summary"
    text = re.sub(r"<[^>]+>", " ", executive.group(1))
    assert edition.chinese_share(text) >= 0.6, f"the index summary is not Chinese:\n{text[:2000]}"


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.parametrize("stem", NOTEBOOKS)
def test_every_zh_page_is_at_least_60_percent_chinese(zh_smoke_report, stem):
    executed = json.loads((zh_smoke_report.out_dir / f"{stem}.ipynb").read_text())
    assert executed["metadata"]["ecombalance"]["edition"] == "zh"
    text = prose(executed)
    share = edition.chinese_share(text)
    english = [line for line in text.splitlines() if line.strip() and edition.chinese_share(line) < 0.3]
    assert share >= 0.6, f"{stem}: {share:.0%} Chinese; lines mostly in English:\n" + "\n".join(english[:40])
    assert "Glyph" not in json.dumps(executed) and "missing from font" not in json.dumps(executed), stem


CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                 if (path := shutil.which(name))), None)
GLYPHS = """<script>
// every Chinese character of the page drawn in the page's font, against an unassigned code point: a character
// the fonts lack is drawn as the same box (tofu) as the unassigned one
window.addEventListener("load", () => {
  const font = "32px " + getComputedStyle(document.body).fontFamily;
  const draw = (ch) => { const c = document.createElement("canvas"); c.width = 48; c.height = 48;
    const g = c.getContext("2d"); g.font = font; g.textBaseline = "top"; g.fillText(ch, 4, 4); return c.toDataURL(); };
  const tofu = draw("\\u0378");
  const chars = [...new Set(document.body.innerText.match(/[\\u4e00-\\u9fff]/g) || [])];
  const missing = chars.filter((ch) => draw(ch) === tofu);
  const out = document.createElement("pre"); out.id = "glyph-check";
  out.textContent = JSON.stringify({chars: chars.length, missing: missing});
  document.body.appendChild(out);
});
</script>"""


def glyph_check(page, profile) -> dict:
    """``{"chars": distinct Chinese characters on the page, "missing": those drawn as tofu}`` in headless Chromium,
    offline (a copy of ``page`` with :data:`GLYPHS` added, beside it so that its relative links hold)."""
    copy = page.with_name(f"glyphs-{page.name}")
    copy.write_text(page.read_text().replace("</body>", GLYPHS + "</body>", 1))
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
               f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
               "--virtual-time-budget=10000", "--dump-dom", copy.as_uri()]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    finally:
        copy.unlink()
    found = re.search(r'<pre id="glyph-check">(.*?)</pre>', done.stdout, re.S)
    assert found, done.stderr[-2000:]
    assert 'class="MathJax_Error"' not in done.stdout and "Math Processing Error" not in done.stdout
    return json.loads(html.unescape(found.group(1)))


@pytest.mark.notebooks
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium)")
@pytest.mark.parametrize("name", ["index.html", "01_documented_case.html"])
def test_the_zh_report_has_every_glyph_in_headless_chromium(zh_smoke_report, tmp_path, name):
    """The page as a reader opens it; the system needs a CJK font (apt-get install fonts-noto-cjk)."""
    assert subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip(), \
        "no CJK font: apt-get install -y fonts-noto-cjk"
    result = glyph_check(zh_smoke_report.out_dir / name, tmp_path / "profile")
    assert result["chars"] > 50 and result["missing"] == [], result
