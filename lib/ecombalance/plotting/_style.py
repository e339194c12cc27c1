"""The look every figure of the package shares: one palette, panels, tables, and CJK glyphs.

Each helper draws on ``ax`` when one is given (a panel of :func:`panels`, or any Axes) and otherwise
creates a figure of a sensible size; it returns the Axes it drew on, so a caller can still change a title
or a limit. :func:`plot_projection` draws small multiples and takes and returns an array of Axes instead.

The palette: :data:`CLASS_COLOURS` for classes in order largest → smallest (and for methods or other
series in the order given), :data:`REFERENCE` grey for a baseline or reference (the majority predictor,
the unbalanced baseline, the diagonal of perfect calibration), :data:`PROTOCOL_COLOURS` for leaky vs
honest evaluation and :data:`CALIBRATION_COLOURS` for raw vs recalibrated probabilities.

Chinese (and Japanese, Korean) text: importing this module registers Noto Sans CJK (the font file shipped
by the ``notojp-matplotlib`` package, SIL Open Font License) with matplotlib and appends its family to
``rcParams["font.family"]`` as a per-glyph fallback. Latin text keeps the font it had (DejaVu Sans by
default); only glyphs that font lacks, such as 平板 or 热水器 in a tick label, come from Noto. This holds for
every figure drawn after the import, including plain ``plt`` calls in a notebook and the figures of the HTML
reports, whose kernels import this module. The package itself is never imported: its ``__init__`` would
replace the user's font family. Without the package, figures still draw and CJK glyphs show as empty
boxes; the import warns once with the fix.
"""

from __future__ import annotations

import importlib.util
import re
import warnings
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.axes import Axes

from ecombalance.i18n import gettext as _
from ecombalance.i18n import gettext_noop as N_
from ecombalance.i18n import pgettext

CLASS_COLOURS = ("#4c72b0", "#dd8452", "#c44e52", "#55a868", "#8172b3", "#937860", "#da8bc3", "#ccb974",
                 "#64b5cd")
"""Classes in order largest → smallest (blue, orange, red, ...); also methods and series in the order given."""
REFERENCE = "#bbbbbb"
"""A baseline or reference: the majority predictor, the unbalanced baseline, perfect calibration."""
OBSERVED = "#333333"
"""An observed quantity drawn as a reference line (e.g. the test log's click rate)."""
PROTOCOL_COLOURS = {"leaky": "#c44e52", "honest": "#4c72b0"}
"""Resampling before the split (leaks) vs inside each training fold (honest)."""
CALIBRATION_COLOURS = {"raw": "#dd8452", "recalibrated": "#4c72b0"}
"""Probabilities as the model gives them vs after recalibration or prior correction."""

CJK_FONT_PACKAGE = "notojp_matplotlib"
"""The package that ships the CJK font file (pip name ``notojp-matplotlib``)."""
CJK_FONT_FILE = "NotoSansCJKjp-Regular.otf"
"""Noto Sans CJK (all CJK glyphs, simplified Chinese included) as the package ships it, under ``fonts/``."""


def cjk_font_path() -> Path | None:
    """The Noto Sans CJK file of :data:`CJK_FONT_PACKAGE`, found without importing the package; None
    when the package or the file is missing."""
    spec = importlib.util.find_spec(CJK_FONT_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / CJK_FONT_FILE
    return path if path.is_file() else None


def use_cjk_fallback() -> str | None:
    """Register the CJK font and append its family to ``rcParams["font.family"]`` (once).

    matplotlib (≥ 3.6) draws each glyph with the first family in the list that has it, so the fonts
    before it keep drawing Latin text exactly as before. Importing :mod:`ecombalance.plotting` calls it already;
    call it again after resetting ``rcParams``.

    Returns
    -------
    str or None
        The family's name ("Noto Sans CJK JP"), or None (with a warning naming the fix: ``pip install
        notojp-matplotlib``) when the font is not installed.

    Examples
    --------
    >>> import matplotlib as mpl
    >>> from ecombalance.plotting import use_cjk_fallback
    >>> family = use_cjk_fallback()
    >>> family is None or family in mpl.rcParams["font.family"]
    True
    """
    path = cjk_font_path()
    if path is None:
        warnings.warn("Chinese, Japanese and Korean text in figures will show as empty boxes: the font package "
                      "is missing. Fix: pip install notojp-matplotlib", stacklevel=2)
        return None
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(path))
    family = font_manager.FontProperties(fname=str(path)).get_name()
    current = mpl.rcParams["font.family"]
    current = [current] if isinstance(current, str) else list(current)
    if family not in current:
        mpl.rcParams["font.family"] = [*current, family]
    return family


CJK_FONT_FAMILY = use_cjk_fallback()
"""The CJK fallback family now in ``rcParams["font.family"]`` ("Noto Sans CJK JP"), None without the font."""


LABEL_WORDS = {
    "log_loss": N_("log-loss"), "mean_predicted": N_("mean predicted click probability"),
    "observed_rate": N_("observed click rate"), "fit_seconds": N_("seconds to fit"), "train_rows": N_("training rows"),
    "train_positive_rate": N_("training click rate"), "macro_f1": N_("macro-F1"),
    "val_macro_f1": N_("validation macro-F1"), "balanced_accuracy": N_("balanced accuracy"), "roc_auc": "ROC-AUC",
    "pr_auc": "PR-AUC", "ece": "ECE", "classwise_ece": N_("class-wise ECE"), "g_mean": "G-mean",
    "expected_cost": N_("mean cost per item"), "profit_per_row": N_("profit per row"),
}
"""Names of data columns and metrics as a figure writes them (:func:`readable`), in English; shown in the current
language (:mod:`ecombalance.i18n`)."""

_IDENTIFIER = re.compile(r"^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")
_PLACEHOLDERS = {"", "-", "all", "none", "None"}
_PER_CLASS = re.compile(r"(recall|precision|f1)\[(.+)\]")


def readable(name: Any) -> str:
    """A name from the data (a column, a row of a table, a metric) as words for an axis label or a title: a tuple
    (the row ``("-", "fit_seconds")`` of a MultiIndex table) joins its parts that are not placeholders (``"-"``,
    ``"all"``); a name of :data:`LABEL_WORDS` reads as written there (``log_loss`` → "log-loss"); another
    snake_case name loses its underscores (``documented_case`` → "documented case"). Anything else (a method such
    as ``smote+logreg``, a sentence) is returned as it is. Words and sentences are in the current language where the
    message catalogue has them (:mod:`ecombalance.i18n`; a method name never is).

    >>> readable(("-", "fit_seconds")), readable("log_loss"), readable("documented_case"), readable("smote+logreg")
    ('seconds to fit', 'log-loss', 'documented case', 'smote+logreg')
    """
    if isinstance(name, tuple):
        return ", ".join(readable(part) for part in name if str(part).strip() not in _PLACEHOLDERS)
    text = str(name)
    if text in LABEL_WORDS:
        return _(LABEL_WORDS[text])
    if (per_class := _PER_CLASS.fullmatch(text)) is not None:  # "recall[shoes]": as written in English
        measure = {"recall": pgettext("measure", "recall"), "precision": pgettext("measure", "precision"),
                   "f1": pgettext("measure", "f1")}[per_class.group(1)]
        return _("{measure}[{name}]").format(measure=measure, name=per_class.group(2))
    return _(text.replace("_", " ") if _IDENTIFIER.match(text) else text)


def rounded(value: Any, digits: int = 4) -> Any:
    """``value`` with every float rounded to ``digits`` decimals, inside dicts, lists, tuples, Series and
    DataFrames too (integers, strings and booleans untouched): what a notebook shows of a dict of numbers.

    >>> rounded({"share": 0.6666666666666666, "n": 600, "parts": [0.08333333333333333]})
    {'share': 0.6667, 'n': 600, 'parts': [0.0833]}
    """
    if isinstance(value, Mapping):
        return {k: rounded(v, digits) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(rounded(v, digits) for v in value)
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return value.round(digits)
    if isinstance(value, (float, np.floating)) and not isinstance(value, bool):
        return round(float(value), digits)
    return value


def series_colours(names: Sequence, reference: Any = None) -> list[str]:
    """One colour per name: :data:`CLASS_COLOURS` in order, and :data:`REFERENCE` grey for ``reference``."""
    colours, k = [], 0
    for name in names:
        if reference is not None and name == reference:
            colours.append(REFERENCE)
        else:
            colours.append(CLASS_COLOURS[k % len(CLASS_COLOURS)])
            k += 1
    return colours


def panels(n: int, size: tuple[float, float] = (5.0, 3.5), ncols: int | None = None) -> np.ndarray:
    """A new figure of ``n`` panels (one row unless ``ncols``), each ``size`` inches; a 1-D array of Axes."""
    if n < 1:
        raise ValueError(f"panels needs at least one panel, got n={n}")
    ncols = n if ncols is None else min(ncols, n)
    nrows = -(-n // ncols)
    _figure, axes = plt.subplots(nrows, ncols, figsize=(size[0] * ncols, size[1] * nrows), squeeze=False,
                           layout="constrained")
    for extra in axes.ravel()[n:]:
        extra.set_visible(False)
    return axes.ravel()[:n]


def axes_or_new(ax: Axes | None, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the Axes of a new figure of ``figsize`` inches when ``ax`` is None."""
    if ax is None:
        _figure, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def table(frame: pd.DataFrame | pd.Series, gradient: Sequence[str] | bool | None = None, digits: int = 3,
          cmap: str = "Greens"):
    """A table as the notebooks show it: a pandas ``Styler``, floats to ``digits`` decimals, integral columns
    (integers, or whole floats beyond 0/1) as integers with thousands separators, booleans as yes / no, missing
    values as "–";
    ``gradient`` shades those columns (True: every numeric one) with ``cmap``, each on its own scale."""
    frame = frame.to_frame() if isinstance(frame, pd.Series) else frame
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"table() shows a pandas DataFrame or Series, got {type(frame).__name__}")
    formats = {}
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            finite = values.dropna()
            whole = pd.api.types.is_integer_dtype(values) or (  # counts stored as floats, not 0/1 scores
                len(finite) > 0 and bool((finite % 1 == 0).all()) and bool((finite.abs() > 1).any()))
            formats[column] = "{:,.0f}" if whole else f"{{:.{digits}f}}"
        elif pd.api.types.is_bool_dtype(values):
            yes, no = _("yes"), _("no")
            formats[column] = lambda v, yes=yes, no=no: yes if v else no
    styler = frame.style.format(formats, na_rep="–")
    if gradient is not None and gradient is not False:
        subset = ([c for c in frame.columns if c in formats and not pd.api.types.is_bool_dtype(frame[c])]
                  if gradient is True else list(gradient))
        if missing := [c for c in subset if c not in frame.columns]:
            raise KeyError(f"table(gradient=...): no column(s) {missing}; the table has {list(frame.columns)}")
        styler = styler.background_gradient(subset=subset, cmap=cmap, axis=0)
    return styler
