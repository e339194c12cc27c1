"""The README's "In Python" block runs as a doctest: what it shows is what the package does."""

from __future__ import annotations

import doctest
import re

from conftest import ROOT


def readme_python_block() -> str:
    """The ``pycon`` block of the README's "In Python" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## In Python\n", 1)[1].split("\n## ", 1)[0]
    (block,) = re.findall(r"```pycon\n(.*?)```", section, flags=re.S)
    return block


def test_the_readme_python_block_is_a_doctest_that_passes(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # as a user would, outside the checkout
    block = readme_python_block()
    test = doctest.DocTestParser().get_doctest(block, {}, "README.md: In Python", "README.md", 0)
    assert len(test.examples) >= 6 and any("eb.compare(" in e.source for e in test.examples)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    assert runner.summarize(verbose=False) == (0, len(test.examples))
