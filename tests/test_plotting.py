import matplotlib

matplotlib.use("Agg")

import json  # noqa: E402
import re  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from conftest import ROOT  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402
from sklearn.metrics import confusion_matrix, precision_score, recall_score  # noqa: E402

from ecombalance import plotting  # noqa: E402
from ecombalance.evaluation import _calibration as calibration  # noqa: E402
from ecombalance.evaluation import _metrics as metrics
from ecombalance.plotting import _calibration
from ecombalance.plotting import _figures as figures
from ecombalance.plotting import _style as style
from ecombalance.sampling import _imbalance as imbalance  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def bar_heights(ax):
    return [p.get_height() for p in ax.patches]


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


# --- palette ------------------------------------------------------------------------------------------------


def test_series_colours_follow_the_palette_with_the_reference_in_grey():
    assert style.series_colours(["a", "b", "c"]) == list(style.CLASS_COLOURS[:3])
    assert style.series_colours(["base", "x", "y"], reference="base") == [
        style.REFERENCE, style.CLASS_COLOURS[0], style.CLASS_COLOURS[1]]
    many = style.series_colours(range(len(style.CLASS_COLOURS) + 2))
    assert many[-2:] == list(style.CLASS_COLOURS[:2])


def test_no_notebook_types_a_colour_code():
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            codes = re.findall(r"#[0-9a-fA-F]{6}\b", "".join(cell["source"]))
            assert not codes, f"{path.name} types colours {codes}: use the palette in ecombalance.plotting"


def test_panels_gives_n_axes_of_one_figure():
    axes = style.panels(3, size=(4, 2))
    assert len(axes) == 3 and len({ax.figure for ax in axes}) == 1
    assert tuple(axes[0].figure.get_size_inches()) == pytest.approx((12, 2))
    grid = style.panels(5, ncols=2)
    assert len(grid) == 5 and sum(ax.get_visible() for ax in grid[0].figure.axes) == 5
    with pytest.raises(ValueError, match="at least one panel"):
        style.panels(0)


# --- bars ---------------------------------------------------------------------------------------------------


def test_class_distribution_bars_show_counts_and_shares():
    counts = {"c1": 400, "c2": 150, "c3": 50}
    dist = imbalance.distribution(counts)
    ax = plotting.plot_class_distribution(dist)
    assert [p.get_width() for p in ax.patches] == [400, 150, 50]
    assert [to_hex(p.get_facecolor()) for p in ax.patches] == list(style.CLASS_COLOURS[:3])
    assert [t.get_text() for t in ax.texts] == [f"{n} ({n / sum(counts.values()):.3f})" for n in counts.values()]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["c1", "c2", "c3"]
    assert ax.yaxis_inverted()  # largest class on top
    assert ax.get_title() == "Class distribution, IR = 8.0:1"


def test_class_distribution_rejects_plain_counts():
    with pytest.raises(ValueError, match="imbalance.distribution"):
        plotting.plot_class_distribution(pd.DataFrame({"n": [1, 2]}))


def test_grouped_bars_draw_each_cell_with_the_reference_in_grey():
    table = pd.DataFrame({"majority": [1.0, 0.0, 0.0], "plain": [0.9, 0.6, 0.2], "weighted": [0.8, 0.7, 0.5]},
                         index=["c1", "c2", "c3"])
    fig, ax = plt.subplots()
    assert figures.plot_grouped_bars(table, ax=ax, reference="majority", ylabel="recall", title="t") is ax
    # pandas draws column by column
    np.testing.assert_allclose(bar_heights(ax), table.to_numpy().T.ravel())
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [style.REFERENCE] * 3 + [style.CLASS_COLOURS[0]] * 3 + [style.CLASS_COLOURS[1]] * 3
    assert legend_texts(ax) == ["majority", "plain", "weighted"]
    assert (ax.get_ylabel(), ax.get_title()) == ("recall", "t")


def test_grouped_bars_of_a_series_have_no_legend_and_intervals_become_error_bars():
    ax = figures.plot_grouped_bars(pd.Series([3.0, 1.0], index=[1.0, 0.1], name="fit seconds"))
    assert bar_heights(ax) == [3.0, 1.0] and ax.get_legend() is None
    table = pd.DataFrame({"m": [0.5, 0.4]}, index=["a", "b"])
    ax = figures.plot_grouped_bars(table, interval=(table - 0.1, table + 0.2))
    (segments,) = [c for c in ax.collections if len(c.get_segments()) == 2]
    ends = [sorted(s[:, 1]) for s in segments.get_segments()]
    np.testing.assert_allclose(ends, [[0.4, 0.7], [0.3, 0.6]])


def summary_frame():
    rows = []
    for method, recalls in {"base": (0.9, 0.2), "smote": (0.8, 0.5)}.items():
        for cls, r in zip(("big", "small"), recalls):
            rows.append({"method": method, "metric": "recall", "class": cls, "pooled": r,
                         "ci_low": r - 0.05, "ci_high": r + 0.1})
        rows.append({"method": method, "metric": "macro_f1", "class": "all", "pooled": 0.5, "ci_low": 0.4,
                     "ci_high": 0.6})
    return pd.DataFrame(rows)


def test_plot_recall_draws_pooled_recall_per_class_and_method():
    ax = plotting.plot_recall(summary_frame(), ["big", "small"], ["base", "smote"])
    np.testing.assert_allclose(bar_heights(ax), [0.9, 0.2, 0.8, 0.5])
    assert to_hex(ax.patches[0].get_facecolor()) == style.REFERENCE
    assert legend_texts(ax) == ["base", "smote"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["big", "small"]
    assert ax.get_ylabel() == "recall (pooled out-of-fold)"


def test_plot_leakage_draws_both_protocols_per_sampler():
    def frame(before, inside):
        return pd.DataFrame({"mean": [before, inside], "std": [0.01, 0.02]},
                            index=["resample before the split (leaks)", "resample inside each training fold"])

    fig, ax = plt.subplots()
    assert figures.plot_leakage({"random_over": frame(0.95, 0.7), "smote": frame(0.9, 0.72)}, ax=ax) is ax
    widths = [p.get_width() for p in ax.patches]
    assert widths == [0.95, 0.9, 0.7, 0.72]
    colours = [to_hex(p.get_facecolor()) for p in ax.patches]
    assert colours == [style.PROTOCOL_COLOURS["leaky"]] * 2 + [style.PROTOCOL_COLOURS["honest"]] * 2
    assert [t.get_text() for t in ax.get_yticklabels()] == ["random_over", "smote"]
    assert legend_texts(ax)[0] == "resample before the split (leaks)"
    assert ax.get_xlim() == (0.5, 1.0)


# --- lines --------------------------------------------------------------------------------------------------


def test_plot_reliability_draws_the_curve_and_reports_ece():
    y = np.array([0, 1, 1, 0, 1, 1])
    p = np.array([0.1, 0.8, 0.7, 0.3, 0.9, 0.6])
    fig, ax = plt.subplots()
    plotting.plot_reliability(y, p, n_bins=5, label="model", ax=ax)
    curve = calibration.reliability_curve(y, p, n_bins=5)
    filled = curve[curve["count"] > 0]
    line = ax.get_lines()[-1]
    np.testing.assert_allclose(line.get_xdata(), filled["confidence"])
    np.testing.assert_allclose(line.get_ydata(), filled["accuracy"])
    ece = calibration.expected_calibration_error_from_curve(curve)
    assert line.get_label() == f"model (ECE {ece:.3f})"


def test_plot_reliability_legend_has_the_hand_computed_ece():
    y = np.array([0, 1, 1, 0, 1, 1])
    p = np.array([0.1, 0.75, 0.65, 0.3, 0.9, 0.5])
    # bins of width 0.2: {0.1} acc 0, {0.3} acc 0, {0.5} acc 1, {0.65, 0.75} acc 1, {0.9} acc 1
    ece = (0.1 + 0.3 + 0.5 + 2 * 0.3 + 0.1) / 6
    ax = plotting.plot_reliability(y, p, n_bins=5, label="model")
    assert legend_texts(ax) == [f"model (ECE {ece:.3f})"]
    line = ax.get_lines()[-1]
    np.testing.assert_allclose(line.get_xdata(), [0.1, 0.3, 0.5, 0.7, 0.9])
    np.testing.assert_allclose(line.get_ydata(), [0, 0, 1, 1, 1])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("predicted probability", "observed frequency")


def test_plot_recalibration_draws_one_diagonal_and_two_curves_in_calibration_colours():
    y = np.array([0, 0, 0, 1, 0, 1])
    raw, fixed = np.array([0.6, 0.7, 0.5, 0.9, 0.55, 0.8]), np.array([0.1, 0.2, 0.1, 0.7, 0.15, 0.6])
    ax = figures.plot_recalibration(y, raw, fixed, labels=("raw, w=0.1", "recalibrated"), n_bins=5)
    diagonal = [line for line in ax.get_lines() if line.get_gid() == "diagonal"]
    curves = [line for line in ax.get_lines() if line.get_gid() == "reliability"]
    assert len(diagonal) == 1 and len(curves) == 2
    assert [to_hex(c.get_color()) for c in curves] == [style.CALIBRATION_COLOURS["raw"],
                                                       style.CALIBRATION_COLOURS["recalibrated"]]
    assert legend_texts(ax)[0].startswith("raw, w=0.1 (ECE ") and legend_texts(ax)[1].startswith("recalibrated (ECE ")


def test_recalibration_legend_shows_the_ece_the_chapter_text_gives():
    # notebook 06 prints findings.describe_prior_correction (metrics.expected_calibration_error) under this figure
    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 400)
    raw = rng.dirichlet([1, 1, 1], 400)
    fixed = 0.5 * raw + 0.5 * np.eye(3)[y]
    ax = figures.plot_recalibration(y, raw, fixed, labels=("model", "prior-corrected"))
    legend = [text.get_text() for text in ax.get_legend().get_texts()]
    assert legend == [f"model (ECE {metrics.expected_calibration_error(y, raw):.3f})",
                      f"prior-corrected (ECE {metrics.expected_calibration_error(y, fixed):.3f})"]
    plt.close(ax.figure)


def test_reliability_curves_take_successive_palette_colours():
    y = np.array([0, 1, 0, 1])
    ax = plotting.plot_reliability(y, np.array([0.2, 0.7, 0.4, 0.9]))
    plotting.plot_reliability(y, np.array([0.3, 0.6, 0.1, 0.8]), ax=ax)
    curves = [line for line in ax.get_lines() if line.get_gid() == "reliability"]
    assert [to_hex(c.get_color()) for c in curves] == list(style.CLASS_COLOURS[:2])


def test_focal_and_posterior_curves():
    p_t = np.linspace(0.1, 0.9, 5)
    curves = pd.DataFrame({"gamma=0 (CE)": -np.log(p_t), "gamma=2": -(1 - p_t) ** 2 * np.log(p_t)},
                          index=pd.Index(p_t, name="p_t"))
    ax = plotting.plot_focal_curves(curves)
    assert [line.get_label() for line in ax.get_lines()] == list(curves.columns)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), curves["gamma=2"])
    assert ax.get_yscale() == "log" and ax.get_title() == "Cross-entropy vs focal loss"

    x = pd.Index([0.0, 1.0, 2.0], name="x")
    post = pd.DataFrame({"p(y=0|x)": [0.9, 0.5, 0.1], "p(y=1|x)": [0.1, 0.5, 0.9],
                         "balanced p(y=0|x)": [0.8, 0.4, 0.05], "balanced p(y=1|x)": [0.2, 0.6, 0.95]}, index=x)
    ax = figures.plot_posteriors(post)
    lines = ax.get_lines()
    assert [line.get_linestyle() for line in lines] == ["-", "-", "--", "--"]
    assert [to_hex(line.get_color()) for line in lines] == list(style.CLASS_COLOURS[:2]) * 2
    np.testing.assert_allclose(lines[3].get_ydata(), post["balanced p(y=1|x)"])


def test_downsampling_metric_lines_and_observed_rate():
    index = pd.MultiIndex.from_tuples([("raw", "mean_predicted"), ("recalibrated", "mean_predicted")],
                                      names=["calibration", "metric"])
    table = pd.DataFrame([[0.03, 0.06, 0.3], [0.03, 0.031, 0.029]], index=index, columns=[1.0, 0.5, 0.05])
    ax = figures.plot_downsampling_metric(table, "mean_predicted", observed=0.03)
    raw, fixed, observed = ax.get_lines()
    np.testing.assert_allclose(raw.get_ydata(), [0.03, 0.06, 0.3])
    np.testing.assert_allclose(fixed.get_ydata(), [0.03, 0.031, 0.029])
    assert to_hex(raw.get_color()) == style.CALIBRATION_COLOURS["raw"]
    assert list(observed.get_ydata()) == [0.03, 0.03]
    assert legend_texts(ax) == ["raw", "recalibrated", "observed click rate"]
    assert ax.get_xscale() == "log" and ax.get_xlabel() == "negative rate w (share of negatives kept, log scale)"
    assert ax.get_ylabel() == "mean predicted click probability"


def test_training_curves():
    logs = {"plain": pd.DataFrame({"step": [1, 2, 3], "loss": [1.0, 0.7, 0.5]}),
            "balanced": pd.DataFrame({"step": [1, 2, 3], "loss": [1.1, 0.8, 0.6]})}
    ax = plotting.plot_training_loss(logs)
    np.testing.assert_allclose(ax.get_lines()[1].get_ydata(), [1.1, 0.8, 0.6])
    assert legend_texts(ax) == ["plain", "balanced"] and ax.get_xlabel() == "optimizer step"
    histories = {"plain": pd.DataFrame({"epoch": [0, 1], "val_macro_f1": [0.4, 0.5]})}
    ax = plotting.plot_validation_curve(histories)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [0.4, 0.5])
    assert ax.get_ylabel() == "macro-F1" and ax.get_title() == "validation macro-F1"


# --- evaluation displays and data ---------------------------------------------------------------------------


def test_confusion_matrix_shows_the_counts_or_row_shares():
    y, pred = ["a", "a", "a", "b"], ["a", "b", "a", "b"]
    ax = plotting.plot_confusion_matrix(y, pred, labels=["a", "b"], title="m")
    np.testing.assert_array_equal(ax.images[0].get_array(), [[2, 1], [0, 1]])
    assert ax.get_title() == "m"
    ax = plotting.plot_confusion_matrix(y, pred, labels=["a", "b"], normalize="true")
    shares = confusion_matrix(y, pred, labels=["a", "b"], normalize="true")
    np.testing.assert_allclose(ax.images[0].get_array(), shares)
    assert sorted(t.get_text() for t in ax.texts) == sorted(f"{v:.2f}" for v in shares.ravel())


def test_precision_recall_takes_the_positive_class_column():
    y = np.array(["a", "b", "a", "b", "b"])
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.4, 0.6], [0.6, 0.4], [0.1, 0.9]])
    pred = np.array(["a", "b", "b", "a", "a"])
    ax = plotting.plot_precision_recall(y, {"base": proba, "other": proba[:, 1]}, positive="b", classes=["a", "b"],
                                        reference="base", decisions={"other": pred})
    base, other = [line for line in ax.get_lines() if line.get_gid() is None]
    np.testing.assert_allclose(base.get_xdata(), other.get_xdata())  # the same scores either way
    assert to_hex(base.get_color()) == style.REFERENCE
    assert ax.get_title() == "Precision-recall for the class 'b'"
    # the prevalence of b (a random ranking's precision) and the operating point of other's own decisions
    prevalence, = [line for line in ax.get_lines() if line.get_gid() == "prevalence"]
    assert prevalence.get_ydata()[0] == pytest.approx(0.6)
    point, = [line for line in ax.get_lines() if line.get_gid() == "operating point"]
    assert (point.get_xdata()[0], point.get_ydata()[0]) == (
        pytest.approx(recall_score(y == "b", pred == "b")), pytest.approx(precision_score(y == "b", pred == "b")))
    with pytest.raises(ValueError, match="2-D scores need `classes`"):
        plotting.plot_precision_recall(y, {"base": proba}, positive="b")


def test_boxes_per_column_and_a_note_when_there_are_none():
    frame = pd.DataFrame({"price": [1.0, 2.0, 3.0, np.nan, 100.0], "rating": [1.0, 2.0, 3.0, 4.0, 5.0]})
    fig, ax = plt.subplots()
    assert figures.plot_boxes(frame, ax=ax, log=True, title="raw") is ax
    boxes = [line for line in ax.get_lines() if len(line.get_xdata()) == 5]  # each box's outline
    quartiles = [np.nanpercentile(frame[c], [25, 75]) for c in frame.columns]  # NaN left out of price
    np.testing.assert_allclose([(b.get_ydata().min(), b.get_ydata().max()) for b in boxes], quartiles)
    assert [t.get_text() for t in ax.get_xticklabels()] == ["price", "rating"]
    assert ax.get_yscale() == "log" and ax.get_title() == "raw"
    empty = figures.plot_boxes(pd.DataFrame(index=range(3)))
    assert [t.get_text() for t in empty.texts] == ["no numeric columns"]


def test_projection_draws_one_panel_per_sampler_in_class_colours():
    frame = pd.DataFrame({
        "sampler": ["none"] * 4 + ["smote"] * 5,
        "x": np.arange(9.0), "y": np.arange(9.0) * 2,
        "label": ["small", "big", "big", "big", "small", "big", "big", "big", "small"],
        "origin": ["original"] * 8 + ["synthetic"],
    })
    axes = figures.plot_projection(frame, ncols=4)
    assert len(axes) == 2 and [ax.get_title() for ax in axes] == ["none (n=4)", "smote (n=5)"]
    big_original = axes[0].collections[0]  # largest class first, originals first
    np.testing.assert_allclose(big_original.get_offsets(), [[1, 2], [2, 4], [3, 6]])
    assert to_hex(big_original.get_facecolor()[0]) == style.CLASS_COLOURS[0]
    synthetic = [c for c in axes[1].collections if len(c.get_offsets()) and c.get_label() == "small (synthetic)"]
    np.testing.assert_allclose(synthetic[0].get_offsets(), [[8, 16]])
    fig, given = plt.subplots(1, 2)
    assert list(figures.plot_projection(frame, axes=given)) == list(given)
    with pytest.raises(ValueError, match="2 samplers to draw but only 1 axes"):
        figures.plot_projection(frame, axes=given[:1])


# --- Chinese text -------------------------------------------------------------------------------------------


def fonts_drawing(text):
    """The font file each character of a Text artist is drawn with, following matplotlib's per-glyph
    fallback: the ordered font files its properties resolve to, the first whose character map holds the
    character (matplotlib's own lookup; the "no Glyph missing warning" checks confirm the draw used it)."""
    from matplotlib.font_manager import fontManager
    from matplotlib.ft2font import FT2Font

    files = fontManager._find_fonts_by_props(text.get_fontproperties())
    charmaps = [(Path(f).name, FT2Font(str(f)).get_charmap()) for f in files]
    return {char: next((name for name, charmap in charmaps if ord(char) in charmap), None)
            for char in text.get_text() if not char.isspace()}


def test_chinese_labels_draw_with_the_cjk_font_and_no_glyph_is_missing():
    dist = imbalance.distribution(pd.Series(["平板"] * 6 + ["热水器"] * 3 + ["手机壳"] * 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plotting.plot_class_distribution(dist, title="类别分布 (IR 6:1)")
        ax.figure.canvas.draw()
    missing = [str(w.message) for w in caught if re.search(r"Glyph .* missing", str(w.message))]
    assert not missing, missing
    assert style.CJK_FONT_FAMILY == "Noto Sans CJK JP"
    ticks = {t.get_text(): t for t in ax.get_yticklabels()}
    assert set(ticks) == {"平板", "热水器", "手机壳"}
    assert set(fonts_drawing(ticks["热水器"]).values()) == {style.CJK_FONT_FILE}
    title = fonts_drawing(ax.title)
    assert {title[c] for c in "类别分布"} == {style.CJK_FONT_FILE}
    assert {title[c] for c in "IR6:1"} == {"DejaVuSans.ttf"}, "Latin glyphs must keep the default font"


def test_an_english_figure_still_uses_dejavu_sans_only():
    import matplotlib as mpl

    assert mpl.rcParams["font.family"][0] == "sans-serif" and mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
    ax = plotting.plot_class_distribution(imbalance.distribution(pd.Series(["a"] * 4 + ["b"])))
    ax.figure.canvas.draw()
    used = {f for text in [ax.title, *ax.get_yticklabels(), ax.xaxis.label] for f in fonts_drawing(text).values()}
    assert used == {"DejaVuSans.ttf"}


def test_the_cjk_font_is_registered_without_importing_its_package():
    import sys

    assert "notojp_matplotlib" not in sys.modules, "its __init__ overrides the user's font family"
    assert style.cjk_font_path().name == style.CJK_FONT_FILE


def test_without_the_font_package_plotting_warns_with_the_fix_and_leaves_fonts_alone(monkeypatch):
    import importlib.util

    import matplotlib as mpl

    before = list(mpl.rcParams["font.family"])
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == style.CJK_FONT_PACKAGE else real(name, *a))
    assert style.cjk_font_path() is None
    with pytest.warns(UserWarning, match="pip install notojp-matplotlib"):
        assert plotting.use_cjk_fallback() is None
    assert list(mpl.rcParams["font.family"]) == before


def test_registering_the_fallback_twice_adds_the_family_once():
    import matplotlib as mpl

    assert plotting.use_cjk_fallback() == style.CJK_FONT_FAMILY
    assert list(mpl.rcParams["font.family"]).count(style.CJK_FONT_FAMILY) == 1


# --- every axis labelled ------------------------------------------------------------------------------------


def every_figure_helper():
    """Each figure helper drawn once on small data: (name, what it returned)."""
    y = np.array(["a"] * 6 + ["b"] * 3 + ["c"] * 1)
    rng = np.random.default_rng(0)
    proba = rng.dirichlet([1, 1, 1], len(y))
    leak = {"smote": pd.DataFrame({"mean": [0.9, 0.8], "std": [0.01, 0.02]}, index=["leaky", "honest"])}
    rates = pd.DataFrame([[0.03, 0.06], [0.03, 0.031]], columns=[1.0, 0.5], index=pd.MultiIndex.from_tuples(
        [("raw", "log_loss"), ("recalibrated", "log_loss")], names=["calibration", "metric"]))
    p_t = np.linspace(0.1, 0.9, 5)
    toy = {"none": {"xx": np.zeros((2, 2)), "yy": np.ones((2, 2)), "zz": np.zeros((2, 2)), "X": rng.normal(size=(6, 2)),
                    "y": np.array([0, 0, 0, 0, 1, 1]), "minority_share": 1 / 3}}
    projection = pd.DataFrame({"sampler": ["none"] * 3, "x": [0.0, 1, 2], "y": [1.0, 2, 3], "label": ["a", "a", "b"],
                               "origin": ["original"] * 3})
    yield "class_distribution", plotting.plot_class_distribution(imbalance.distribution(y))
    yield "grouped_bars", figures.plot_grouped_bars(pd.DataFrame({"x": [0.5, 0.6], "y": [0.4, 0.7]}, index=["a", "b"]))
    yield "grouped_bars of a series", figures.plot_grouped_bars(pd.Series([0.5, 0.6], index=["a", "b"], name="recall"))
    yield "recall", plotting.plot_recall(summary_frame(), ["big", "small"], ["base", "smote"])
    yield "leakage", figures.plot_leakage(leak)
    yield "reliability", plotting.plot_reliability(y, proba, classes=["a", "b", "c"])
    yield "recalibration", figures.plot_recalibration(y == "c", proba[:, 2], proba[:, 2] ** 2)
    yield "classwise_reliability", plotting.plot_classwise_reliability(y, proba, classes=["a", "b", "c"])
    yield "focal_curves", plotting.plot_focal_curves(pd.DataFrame({"g": -np.log(p_t)}, index=pd.Index(p_t, name="p_t")))
    yield "posteriors", figures.plot_posteriors(pd.DataFrame({"p(y=0|x)": [0.9, 0.1], "balanced p(y=0|x)": [0.8, 0.2]},
                                                              index=pd.Index([0.0, 1.0], name="x")))
    yield "downsampling_metric", figures.plot_downsampling_metric(rates, "log_loss")
    # names as the data carry them: a MultiIndex row (notebook 07's ("-", "fit_seconds")), snake_case columns
    fit_seconds = pd.Series([0.5, 0.2], index=pd.Index([1.0, 0.5], name="rate"), name=("-", "fit_seconds"))
    yield "grouped_bars of a table row", figures.plot_grouped_bars(fit_seconds)
    yield "grouped_bars with snake_case names", figures.plot_grouped_bars(
        pd.DataFrame({"macro_f1": [0.5]}, index=pd.Index(["a"], name="sampler_name")).rename_axis(
            columns="metric_name"), title="documented_case")
    yield "reliability with counts", figures.plot_recalibration(y == "c", proba[:, 2], proba[:, 2] ** 2, counts=True)
    yield "reliability_panels", _calibration.plot_reliability_panels(
        y, {"ce": proba, "focal": proba[:, ::-1], "weighted_ce": proba}, {"reshaping_the_loss": ["focal"],
                                                                          "re-weighting": ["weighted_ce"]},
        reference="ce", classes=["a", "b", "c"], title="documented case: ")
    yield "training_loss", plotting.plot_training_loss({"r": pd.DataFrame({"step": [1, 2], "loss": [1.0, 0.5]})})
    yield "validation_curve", plotting.plot_validation_curve({"r": pd.DataFrame({"epoch": [0, 1],
                                                                                 "val_macro_f1": [0.4, 0.5]})})
    yield "confusion_matrix", plotting.plot_confusion_matrix(y, y[::-1])
    yield "precision_recall", plotting.plot_precision_recall(y, {"m": proba}, positive="c", classes=["a", "b", "c"])
    yield "boxes", figures.plot_boxes(pd.DataFrame({"price": [1.0, 2.0, 30.0]}), log=True)
    yield "decision_boundaries", figures.plot_decision_boundaries(toy)
    yield "projection", figures.plot_projection(projection, ncols=2)
    yield "cost_curve", figures.plot_cost_curve(pd.DataFrame({"class": ["c", "c"], "threshold": [0.2, 0.4],
                                                               "expected_cost": [0.3, 0.2]}))
    yield "profit_curve", figures.plot_profit_curve(pd.DataFrame({"threshold": [0.1, 0.2],
                                                                   "profit_per_row": [0.01, 0.02]}), threshold=0.2)


def test_the_axis_check_draws_every_figure_helper():
    helpers = {name.removeprefix("plot_") for module in (plotting, figures, _calibration) for name in dir(module)
               if name.startswith("plot_")}
    drawn = {name.split(" ")[0] for name, _ in every_figure_helper()}
    plt.close("all")
    assert helpers == drawn


def test_every_axis_of_every_figure_helper_is_labelled():
    unlabelled = []
    for name, drawn in every_figure_helper():
        figure = np.ravel(drawn)[0].figure
        for ax in figure.axes:
            if ax.get_visible() and not (ax.get_xlabel().strip() and ax.get_ylabel().strip()):
                unlabelled.append(f"{name}: x={ax.get_xlabel()!r}, y={ax.get_ylabel()!r}")
        plt.close(figure)
    assert unlabelled == []


CODE_NAME = re.compile(r"^\(.*,.*\)$|^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$")  # a tuple, or snake_case alone


def test_no_label_or_title_is_a_python_tuple_or_a_bare_variable_name():
    """Issue 27: every figure helper, fed the names its data carry (a table row ``('-', 'fit_seconds')``, metrics
    such as ``log_loss`` and ``mean_predicted``, a table called ``documented_case``), writes its axis labels and
    titles in words."""
    found = []
    for name, drawn in every_figure_helper():
        figure = np.ravel(drawn)[0].figure
        for ax in figure.axes:
            for kind, text in (("x", ax.get_xlabel()), ("y", ax.get_ylabel()), ("title", ax.get_title())):
                if CODE_NAME.match(text.strip()):
                    found.append(f"{name}: {kind} {text!r}")
        plt.close(figure)
    assert found == []
    for metric, words in (("log_loss", "log-loss"), ("mean_predicted", "mean predicted click probability")):
        rates = pd.DataFrame([[0.1, 0.2], [0.1, 0.1]], columns=[1.0, 0.5], index=pd.MultiIndex.from_tuples(
            [("raw", metric), ("recalibrated", metric)], names=["calibration", "metric"]))
        ax = figures.plot_downsampling_metric(rates, metric)
        assert ax.get_ylabel() == words and ax.get_title().lower().startswith(words.lower())
        plt.close(ax.figure)


@pytest.mark.parametrize("name, words", [
    (("-", "fit_seconds"), "seconds to fit"), ("log_loss", "log-loss"), ("documented_case", "documented case"),
    (("raw", "ece"), "raw, ECE"), ("smote+logreg", "smote+logreg"), ("recall", "recall"), (("all", "-"), ""),
])
def test_readable_writes_data_names_in_words(name, words):
    assert style.readable(name) == words


def test_reliability_counts_are_the_rows_of_each_bin_on_a_log_axis():
    rng = np.random.default_rng(1)
    p = rng.beta(0.5, 10, 500)
    y = (rng.random(500) < p).astype(int)
    ax = figures.plot_recalibration(y, np.sqrt(p), p, counts=True)
    twins = [a for a in ax.figure.axes if a is not ax]
    assert len(twins) == 1 and twins[0].get_yscale() == "log"  # one count axis for both curves
    heights = [b.get_height() for b in twins[0].patches]
    expected = np.concatenate([np.bincount(np.searchsorted(np.linspace(0, 1, 16)[1:-1], q), minlength=15)
                               for q in (np.sqrt(p), p)]).astype(float)
    np.testing.assert_allclose(np.nan_to_num(heights), expected)
    plt.close(ax.figure)


def test_axis_labels_name_their_units():
    ax = plotting.plot_class_distribution(imbalance.distribution(np.array(["a", "a", "b"])))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("items (rows)", "class")
    assert figures.plot_boxes(pd.DataFrame({"p": [1.0, 2.0]}), log=True).get_ylabel() == "value (log scale)"
    ax = figures.plot_grouped_bars(pd.Series([0.5, 0.6], index=pd.Index(["a", "b"], name="class"), name="recall"))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("class", "recall")



def test_reliability_panels_draw_one_family_per_panel_beside_the_reference():
    y = np.array(["a"] * 30 + ["b"] * 10)
    rng = np.random.default_rng(2)
    probas = {name: rng.dirichlet([2, 1], len(y)) for name in ("ce", "focal", "weighted_ce", "ldam")}
    axes = _calibration.plot_reliability_panels(y, probas, {"reshaping": ["focal"], "re-weighting": ["weighted_ce", "ldam"]},
                                            reference="ce", classes=["a", "b"], title="blobs: ")
    assert [ax.get_title() for ax in axes] == ["blobs: reshaping", "blobs: re-weighting"]
    curves = [[l.get_label().split(" (ECE")[0] for l in ax.get_lines() if l.get_gid() == "reliability"] for ax in axes]
    assert curves == [["ce", "focal"], ["ce", "weighted_ce", "ldam"]]
    assert to_hex(axes[0].get_lines()[1].get_color()) == style.REFERENCE  # the reference in grey, after the diagonal
    assert len(axes[0].figure.axes) == 4  # each panel with its count axis
    with pytest.raises(ValueError, match=r"no probabilities for \['missing'\]"):
        _calibration.plot_reliability_panels(y, probas, {"x": ["missing"]}, reference="ce")
    plt.close("all")


def test_decision_boundaries_mark_synthetic_rows_and_what_a_cleaner_removed():
    from ecombalance._chapters import smote_lesson

    X, y = smote_lesson.toy_problem(n=200, random_state=0)
    found = smote_lesson.decision_boundaries(X, y, samplers=("none", "smote", "enn"), grid=20)
    assert (found["none"]["origin"] == "original").all() and found["none"]["removed"] == {0: 0, 1: 0}
    synthetic = found["smote"]["origin"] == "synthetic"
    assert synthetic.sum() == (y == 0).sum() - (y == 1).sum() and (found["smote"]["y"][synthetic] == 1).all()
    kept = found["enn"]["y"]
    assert found["enn"]["removed"] == {0: int((y == 0).sum() - (kept == 0).sum()), 1: 0}
    axes = figures.plot_decision_boundaries(found)
    markers = [c for c in axes[1].collections if c.get_label() == "minority (synthetic)"]
    assert len(markers) == 1 and len(markers[0].get_offsets()) == synthetic.sum()
    removed = found["enn"]["removed"][0]
    assert axes[2].get_title() == f"enn (minority {found['enn']['minority_share']:.0%}, {removed} rows removed)"
    plt.close("all")


def test_rounded_shows_four_decimals_and_table_shows_yes_no():
    assert style.rounded({"a": 0.123456789, "n": 3, "flag": True, "nested": {"b": [1 / 3]}}) == {
        "a": 0.1235, "n": 3, "flag": True, "nested": {"b": [0.3333]}}
    html = style.table(pd.DataFrame({"real": [True, False], "x": [0.5, 0.25]})).to_html()
    assert ">yes<" in html and ">no<" in html and "True" not in html
