"""The HTML report in a real browser with no network: headless Chromium renders every formula.

Reuses the smoke report of tests/test_notebooks.py (a session fixture). Skips where no Chromium is
installed (``apt-get install chromium``; ``.ci/run`` installs it).
"""

import json
import re
import shutil
import subprocess
import time

import pytest

CHROMIUM = next((path for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
                 if (path := shutil.which(name))), None)

pytestmark = [
    pytest.mark.notebooks,
    pytest.mark.slow,
    pytest.mark.skipif(CHROMIUM is None, reason="no Chromium installed (apt-get install chromium): "
                                                "the browser check of the HTML report is skipped"),
]


def rendered_dom(page, profile) -> str:
    """The page's DOM after its scripts ran, in headless Chromium that cannot resolve any host name."""
    command = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
               "--host-resolver-rules=MAP * ~NOTFOUND",  # offline: every network request fails
               "--virtual-time-budget=10000", "--dump-dom", page.as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout, done.stderr[-2000:]
    return done.stdout


def visible(dom: str) -> str:
    """The DOM without scripts and styles (MathJax keeps each formula's TeX in a script element)."""
    return re.sub(r"<(script|style)\b.*?</\1>", "", dom, flags=re.S | re.I)


def test_formulas_of_notebook_04_render_offline(smoke_report, tmp_path):
    stem = "04_balanced_losses"
    source = json.loads((smoke_report.out_dir / f"{stem}.ipynb").read_text())
    markdown = "".join("".join(c["source"]) for c in source["cells"] if c["cell_type"] == "markdown")
    displays = markdown.count("$$") // 2
    assert displays >= 5  # the chapter of loss formulas

    start = time.perf_counter()
    dom = visible(rendered_dom(smoke_report.out_dir / f"{stem}.html", tmp_path / "profile"))
    seconds = time.perf_counter() - start
    assert "$$" not in dom, "a display formula was left as raw TeX"
    assert len(re.findall(r'class="MathJax_Display"', dom)) == displays
    assert len(re.findall(r'class="MathJax"', dom)) > displays  # inline formulas too
    assert not re.search(r'class="(merror|MathJax_Error)"|Math Processing Error', dom)
    assert seconds < 60


def test_index_renders_its_formulas_and_shows_the_figures(smoke_report, tmp_path):
    dom = visible(rendered_dom(smoke_report.index, tmp_path / "profile"))
    assert 'class="MathJax"' in dom  # notebook 07's conclusions hold $w$ and q = p / (p + (1-p)/w)
    assert "$" not in dom.split('id="07_recommendation_ctr_scale"', 1)[1]
    assert len(re.findall(r'<img src="\d\d_\w+\.png"', dom)) == len(smoke_report.runs)
