"""The generated text's language switch and its message catalogue (ecombalance.i18n)."""

import pytest

from ecombalance import i18n

PO = '''msgid ""
msgstr ""
"Language: zh_CN\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

msgid "{n:,} rows removed"
msgstr "删除了 {n:,} 行"

#, fuzzy
msgid "stale entry"
msgstr "过时的译文"

msgctxt "metric"
msgid "recall"
msgstr "召回率"

msgid "one class"
msgid_plural "{n} classes"
msgstr[0] "{n} 个类别"
'''


@pytest.fixture
def catalogue(tmp_path, monkeypatch):
    (tmp_path / "zh" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "zh" / "LC_MESSAGES" / "ecombalance.po").write_text(PO, encoding="utf-8")
    monkeypatch.setattr(i18n, "_LOCALE_DIR", tmp_path)
    i18n._catalogue.cache_clear()
    yield
    i18n._catalogue.cache_clear()


def test_translations_are_used_in_chinese_and_formatted_after(catalogue):
    with i18n.language("zh"):
        assert i18n.gettext("{n:,} rows removed").format(n=12000) == "删除了 12,000 行"
        assert i18n.pgettext("metric", "recall") == "召回率"
        assert i18n.gettext("recall") == "recall"  # no entry without the context
        assert i18n.ngettext("one class", "{n} classes", 3).format(n=3) == "3 个类别"
        assert i18n.gettext("stale entry") == "stale entry"  # fuzzy: not used
        assert i18n.gettext("not in the catalogue") == "not in the catalogue"
    assert i18n.gettext("{n:,} rows removed") == "{n:,} rows removed"
    assert i18n.ngettext("one class", "{n} classes", 1) == "one class"


def test_the_language_comes_from_set_language_then_the_environment(catalogue, monkeypatch):
    monkeypatch.setattr(i18n, "_current", None)
    monkeypatch.setenv("ECOMBALANCE_LANG", "zh")
    assert i18n.get_language() == "zh" and i18n.pgettext("metric", "recall") == "召回率"
    i18n.set_language("en")
    assert i18n.get_language() == "en" and i18n.pgettext("metric", "recall") == "recall"
    with i18n.language("zh"):
        assert i18n.get_language() == "zh"
    assert i18n.get_language() == "en"


def test_an_unknown_language_is_named(monkeypatch):
    with pytest.raises(ValueError, match=r"unknown language 'fr': use one of 'en', 'zh'"):
        i18n.set_language("fr")
    monkeypatch.setattr(i18n, "_current", None)
    monkeypatch.setenv("ECOMBALANCE_LANG", "de")
    with pytest.raises(ValueError, match="unknown language 'de'"):
        i18n.get_language()


def test_a_changed_english_cell_marks_its_translation_stale(tmp_path):
    """tools/catalogue.py, as gettext's msgmerge: a translated markdown cell whose English changes keeps its old
    Chinese as a draft, flagged fuzzy, with the old English beside it; a new cell is listed as untranslated."""
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import catalogue

    cells = [{"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Resampling\n", "Under-sampling."]},
             {"cell_type": "code", "id": "code", "metadata": {}, "source": ["x = 1"], "outputs": [],
              "execution_count": None}]
    notebook = tmp_path / "03_resampling.ipynb"
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    [(po, template)] = catalogue.notebook_targets(tmp_path)
    catalog = catalogue.merged(po, template)
    assert catalogue.problems(catalog, "03") == ["03: intro: '# Resampling\\nUnder-sampling.' has no translation"]
    catalog.get("# Resampling\nUnder-sampling.", "intro").string = "# 重采样\n欠采样。"
    catalogue.write(catalog, po)
    assert catalogue.problems(catalogue.merged(*catalogue.notebook_targets(tmp_path)[0]), "03") == []

    cells[0]["source"] = ["# Resampling\n", "Under-sampling removes rows of the large classes."]
    cells.append({"cell_type": "markdown", "id": "more", "metadata": {}, "source": ["More."]})
    notebook.write_text(json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}))
    catalog = catalogue.merged(*catalogue.notebook_targets(tmp_path)[0])
    stale = catalog.get("# Resampling\nUnder-sampling removes rows of the large classes.", "intro")
    assert stale.fuzzy and stale.string == "# 重采样\n欠采样。"
    assert stale.previous_id == ["# Resampling\nUnder-sampling."]
    assert catalogue.problems(catalog, "03") == [
        "03: intro: '# Resampling\\nUnder-sampling removes rows of the large classe' is stale (its English "
        "changed): update the Chinese, remove the fuzzy flag",
        "03: more: 'More.' has no translation"]


def _catalogue_tool():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import catalogue

    return catalogue


def test_the_zh_builder_refuses_a_missing_or_stale_translation(tmp_path):
    """reporting.edition builds a Chinese notebook only from current translations: a missing one, one flagged fuzzy
    by tools/catalogue.py after its English changed, and one whose English changed before the tool ran are each
    named with the cell and the fix."""
    import json

    from ecombalance._reporting import edition
    from ecombalance.exceptions import ReportError

    catalogue = _catalogue_tool()
    cells = [{"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["# Resampling\n", "Under-sampling."]},
             {"cell_type": "code", "id": "params", "metadata": {"tags": ["parameters"]}, "source": ['edition = "en"'],
              "outputs": [], "execution_count": None},
             {"cell_type": "markdown", "id": "more", "metadata": {}, "source": ["More."]}]
    notebook = tmp_path / "03_resampling.ipynb"
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}

    def save():
        notebook.write_text(json.dumps({"cells": cells, "metadata": meta, "nbformat": 4, "nbformat_minor": 5}))

    save()
    po, template = catalogue.notebook_targets(tmp_path)[0]
    catalog = catalogue.merged(po, template)
    catalog.get("# Resampling\nUnder-sampling.", "intro").string = "# 重采样\n欠采样。"
    catalogue.write(catalog, po)
    with pytest.raises(ReportError, match=r"in .*03_resampling\.po, cell more \('More\.'\) has no Chinese "
                                          r"translation\. To fix: run `python tools/catalogue\.py`"):
        edition.edition_notebook(notebook)
    catalog.get("More.", "more").string = "更多。"
    catalogue.write(catalog, po)
    built = edition.edition_notebook(notebook)
    assert [c.source for c in built.cells if c.cell_type == "markdown"] == ["# 重采样\n欠采样。", "更多。"]

    cells[0]["source"] = ["# Resampling\n", "Under-sampling removes rows."]
    save()  # the English changed; the catalogue not yet updated
    with pytest.raises(ReportError, match=r"cell intro \('# Resampling'\) changed since its translation"):
        edition.edition_notebook(notebook)
    catalogue.write(catalogue.merged(*catalogue.notebook_targets(tmp_path)[0]), po)  # python tools/catalogue.py
    with pytest.raises(ReportError, match=r"cell intro \('# Resampling'\) has a stale \(fuzzy\) translation") as err:
        edition.edition_notebook(notebook)
    assert "cell more" not in str(err.value)  # its translation is current


def test_every_message_and_cell_has_a_current_translation():
    """The real catalogues: every library message and every markdown cell of every notebook has a current Chinese
    translation (tools/catalogue.py --check lists the same). Fails until each owner's translations are merged; the
    message lists every entry left, by file."""
    catalogue = _catalogue_tool()
    found = []
    for path, template in catalogue.targets():
        found += catalogue.problems(catalogue.merged(path, template), str(path.relative_to(catalogue.ROOT)))
    assert not found, f"{len(found)} entries without a current Chinese translation (fill them in, then run " \
                      "`python tools/catalogue.py`):\n" + "\n".join(found)


def test_every_translation_fills_the_same_placeholders_as_its_english():
    """A Chinese message with a placeholder its English lacks raises KeyError when formatted; one that lacks a
    placeholder drops a number. (A union merge of the catalogue once ran two entries together.)"""
    import re
    import string
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
    import catalogue

    def fields(text):
        try:
            return {f[1].split(".")[0].split("[")[0] for f in string.Formatter().parse(text) if f[1] is not None}
        except ValueError:  # not a format string (LaTeX braces): compare its brace groups as they are
            return set(re.findall(r"\{[^{}]*\}", text))

    wrong = []
    for path, template in catalogue.targets()[:1]:
        for message in catalogue.read(path):
            if not message.id or not message.string:
                continue
            ids = [message.id] if isinstance(message.id, str) else list(message.id)
            strings = [message.string] if isinstance(message.string, str) else list(message.string)
            english = set().union(*(fields(i) for i in ids))
            for text in strings:
                chinese = fields(text)
                if chinese - english or (len(ids) == 1 and chinese != english):
                    wrong.append((ids[0][:60], sorted(english), sorted(chinese)))
    assert not wrong, wrong


def test_the_library_catalogue_reads_every_module_private_packages_too():
    """Babel skips folders whose names start with ``_`` unless told otherwise; the generated text of the chapters
    (``_chapters``), the report harness (``_reporting``) and the front door (``_api``) must be extracted."""
    from pathlib import Path

    catalogue = _catalogue_tool()
    read = {Path(location).parts[2] for message in catalogue.library_template() for location, _ in message.locations}
    assert {"_chapters", "_reporting", "_api", "evaluation", "data"} <= read
