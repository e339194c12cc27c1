"""Notebook 08's explorer: decision rules on cached out-of-fold probabilities, driven through its widgets.

Every number the widget shows is recomputed here from the cached probabilities with an independent decision
(written out below, not the library's) and scikit-learn's recall, precision and confusion matrix."""

import numpy as np
import pytest
from sklearn.calibration import calibration_curve
from sklearn.metrics import confusion_matrix, precision_score, recall_score

from ecombalance._chapters import explore, explore_widget
from ecombalance.data import _datasets as datasets
from ecombalance.evaluation import _metrics as metrics

METHODS = ["none+logreg", "class_weight+logreg", "none+torch_mlp"]


@pytest.fixture(scope="module")
def table():
    return datasets.load("documented_case", n_splits=3)


@pytest.fixture(scope="module")
def explorer(table):
    return explore.Explorer(table, METHODS, losses=["ce", "focal"], folds=3, random_state=0, epochs=2)


@pytest.fixture
def counted(monkeypatch):
    """Counts the experiment runs (each fits one method on every fold) the explorer starts."""
    calls = []
    real = explore.run_experiment

    def counting(methods, *args, **kwargs):
        calls.append(list(methods))
        return real(methods, *args, **kwargs)

    monkeypatch.setattr(explore, "run_experiment", counting)
    return calls


def by_threshold(proba, classes, focus, t):
    """Independent threshold rule: the focus class when p_f / (p_f + best rival) >= t, else the best rival."""
    f = classes.index(focus)
    out = []
    for row in proba:
        rival = max((j for j in range(len(classes)) if j != f), key=lambda j: row[j])
        out.append(classes[f] if row[f] / (row[f] + row[rival]) >= t else classes[rival])
    return np.array(out, dtype=object)


def by_cost(proba, classes, focus, ratio):
    """Independent cost rule: for each row, the label whose expected cost (missing the focus class costs
    ``ratio``, any other error 1) is smallest."""
    f = classes.index(focus)
    out = []
    for row in proba:
        costs = [sum(row[i] * (0 if i == j else ratio if i == f else 1) for i in range(len(classes)))
                 for j in range(len(classes))]
        out.append(classes[int(np.argmin(costs))])
    return np.array(out, dtype=object)


def assert_view_matches(view, y, pred, classes):
    np.testing.assert_allclose(view.table["recall"], recall_score(y, pred, labels=classes, average=None))
    np.testing.assert_allclose(view.table["precision"],
                               precision_score(y, pred, labels=classes, average=None, zero_division=0))
    np.testing.assert_array_equal(view.confusion.to_numpy(), confusion_matrix(y, pred, labels=classes))


def test_the_threshold_slider_moves_the_table_to_sklearns_numbers(explorer):
    widget = explore_widget.ExplorerWidget(explorer, "none+logreg")
    proba, y, classes = explorer.probabilities("none+logreg"), explorer.y, explorer.classes
    smallest = classes[-1]
    assert smallest == "sports_outdoors" and widget.view.rule == "threshold"
    before = widget.view.focus_recall
    assert_view_matches(widget.view, y, by_threshold(proba, classes, smallest, 0.5), classes)

    widget.threshold.value = 0.2
    expected = by_threshold(proba, classes, smallest, 0.2)
    assert_view_matches(widget.view, y, expected, classes)
    recall = recall_score(y, expected, labels=[smallest], average=None)[0]
    assert widget.view.focus_recall == pytest.approx(recall) and recall > before  # more of it found
    assert f"{recall:.3f}" in widget.table_html.value
    widget.focus.value = "home_kitchen"  # the same threshold, now for another class
    assert_view_matches(widget.view, y, by_threshold(proba, classes, "home_kitchen", 0.2), classes)
    assert widget.confusion_png.value[:4] == b"\x89PNG" and widget.reliability_png.value[:4] == b"\x89PNG"


def test_the_cost_slider_takes_over_and_gives_the_minimum_expected_cost_labels(explorer):
    widget = explore_widget.ExplorerWidget(explorer, "class_weight+logreg", threshold=0.3)
    proba, y, classes = explorer.probabilities("class_weight+logreg"), explorer.y, explorer.classes
    widget.cost_ratio.value = 10.0
    assert widget.rule.value == "cost" and widget.view.cost_ratio == pytest.approx(10.0)
    expected = by_cost(proba, classes, classes[-1], 10.0)
    assert_view_matches(widget.view, y, expected, classes)
    cost = np.mean([0 if t == p else 10 if t == classes[-1] else 1 for t, p in zip(y, expected)])
    assert widget.view.expected_cost == pytest.approx(cost)
    widget.threshold.value = 0.35  # back to the threshold rule: the slider's value decides again
    assert widget.rule.value == "threshold"
    assert_view_matches(widget.view, y, by_threshold(proba, classes, classes[-1], 0.35), classes)


def test_changing_only_the_rule_refits_nothing(table, counted):
    fresh = explore.Explorer(table, ["none+logreg", "none+torch_mlp"], losses=["ce", "focal"], folds=3, epochs=2)
    widget = explore_widget.ExplorerWidget(fresh)
    assert counted == [["none+logreg"]]
    for t in (0.1, 0.3, 0.7):
        widget.threshold.value = t
    for r in (0.5, 3.0, 30.0):
        widget.cost_ratio.value = r
    widget.rule.value = "threshold"
    assert counted == [["none+logreg"]] and fresh.fits == 1
    assert widget.loss.disabled  # logreg takes no loss
    widget.method.value = "none+torch_mlp"
    assert not widget.loss.disabled and widget.view.method == "none+torch_mlp:ce"
    widget.loss.value = "focal"
    assert widget.view.method == "none+torch_mlp:focal"
    widget.method.value = "none+logreg"
    widget.method.value = "none+torch_mlp"  # both seen before: read from the cache
    assert counted == [["none+logreg"], ["none+torch_mlp:ce"], ["none+torch_mlp:focal"]] and fresh.fits == 3
    proba = fresh.probabilities("none+torch_mlp", "focal")
    assert_view_matches(widget.view, fresh.y, by_threshold(proba, fresh.classes, fresh.classes[-1], 0.7),
                        fresh.classes)


def test_two_classes_threshold_is_the_probability_and_cost_is_its_threshold(table):
    two = table.subset(table.y.isin(["electronics", "sports_outdoors"]))
    pair = explore.Explorer(two, ["none+logreg"], folds=3)
    proba, classes = pair.probabilities("none+logreg"), pair.classes
    f = classes.index("sports_outdoors")
    for t in (0.1, 0.25, 0.5):
        view = pair.view("none+logreg", threshold=t)
        np.testing.assert_array_equal(view.y_pred == "sports_outdoors", proba[:, f] >= t)
    for r in (2.0, 9.0):
        cut = 1 / (1 + r)
        clear = np.abs(proba[:, f] - cut) > 1e-9  # rows on the boundary may go either way
        costed = pair.view("none+logreg", rule="cost", cost_ratio=r)
        np.testing.assert_array_equal((costed.y_pred == "sports_outdoors")[clear], (proba[:, f] >= cut)[clear])


def test_the_reliability_curve_is_sklearns_for_the_focus_class(explorer):
    view = explorer.view("none+logreg", focus="home_kitchen")
    truth = (explorer.y == "home_kitchen").astype(int)
    p = explorer.probabilities("none+logreg")[:, explorer.classes.index("home_kitchen")]
    observed, predicted = calibration_curve(truth, p, n_bins=15, strategy="uniform")  # ECE_BINS, as the legend
    filled = view.reliability[view.reliability["count"] > 0]
    np.testing.assert_allclose(filled["accuracy"], observed)
    np.testing.assert_allclose(filled["confidence"], predicted)
    assert view.focus == "home_kitchen" and filled["count"].sum() == len(truth)


def test_the_legend_and_the_text_quote_the_same_ece(explorer):
    import re

    import matplotlib.pyplot as plt

    view = explorer.view("none+logreg", rule="cost", cost_ratio=5.0)
    _, ax = explore.plot_view(view)
    shown = re.search(r"ECE ([0-9.]+)", ax.get_legend().get_texts()[0].get_text()).group(1)
    assert f"expected calibration error for {str(view.focus)!r} is {shown}" in explore.describe_decisions(
        explorer.view("none+logreg"), view)
    plt.close("all")
    # the one definition: the focus class's one-vs-rest ECE in the bins of every table (calibration_table's ece[c])
    f = list(explorer.classes).index(view.focus)
    t, _, p, _ = metrics.encode_labels(view.y_true, None, view.proba, list(explorer.classes))
    assert explore.ece_of(view) == pytest.approx(
        metrics.metric_value("ece", t, None, p, len(explorer.classes), class_index=f), abs=1e-15)
    assert len(view.reliability) == metrics.ECE_BINS


def test_the_static_view_draws_the_same_confusion_matrix(explorer):
    import matplotlib.pyplot as plt

    view = explorer.view("none+logreg", rule="cost", cost_ratio=5.0)
    confusion_ax, reliability_ax = explore.plot_view(view)
    shown = np.array([int(text.get_text()) for text in confusion_ax.texts]).reshape(view.confusion.shape)
    np.testing.assert_array_equal(shown, view.confusion.to_numpy())
    assert reliability_ax.get_xlabel() == "predicted probability"
    plt.close("all")


def test_describe_compares_both_rules_under_the_same_costs(explorer):
    argmax = explorer.view("none+logreg")
    costed = explorer.view("none+logreg", rule="cost", cost_ratio=5.0)
    y, c = explorer.y, explorer.classes
    before = np.mean([0 if t == p else 5 if t == c[-1] else 1 for t, p in zip(y, argmax.y_pred)])
    text = explore.describe_decisions(argmax, costed)
    assert f"goes from {before:.3f} at the arg-max to {costed.expected_cost:.3f}" in text
    assert f"recall {recall_score(y, costed.y_pred, labels=[c[-1]], average=None)[0]:.3f}" in text


def test_balancing_is_shown_against_the_same_model_without_it(explorer):
    """Notebook 08 sets a balancing method beside its own plain model at the arg-max (never another model)."""
    assert explorer.plain_of("class_weight+logreg") == ("none+logreg", None)
    assert explorer.plain_of("none+torch_mlp", "focal") == ("none+torch_mlp", "ce")
    assert explorer.plain_of("none+logreg") is None and explorer.plain_of("none+torch_mlp", "ce") is None
    without_ce = explore.Explorer(explorer.table, ["none+logreg", "none+torch_mlp"], losses=["focal"], folds=3)
    assert without_ce.plain_of("none+torch_mlp", "focal") is None  # the plain MLP is not offered
    weighted = explorer.view("class_weight+logreg")
    plain = explorer.view(*explorer.plain_of("class_weight+logreg"))
    y, small = explorer.y, explorer.classes[-1]
    line = explore.describe_decisions(weighted, weighted, plain).split("\n")[-1]
    assert line.startswith(
        f"- Balancing alone, the same model without it: `none+logreg` at the arg-max finds {small!r} with recall "
        f"{recall_score(y == small, plain.y_pred == small):.3f} at precision "
        f"{precision_score(y == small, plain.y_pred == small):.3f}, `class_weight+logreg` with recall "
        f"{recall_score(y == small, weighted.y_pred == small):.3f}")
    assert "\n- Balancing alone" not in explore.describe_decisions(weighted, weighted)


def test_report_runs_show_a_note_instead_of_a_dead_widget(explorer, monkeypatch):
    import IPython.display
    import ipywidgets

    shown = []
    monkeypatch.setattr(IPython.display, "display", lambda *objs, **_: shown.extend(objs))
    widget = explore_widget.ExplorerWidget(explorer, "none+logreg")
    monkeypatch.setenv("ECOMBALANCE_PROGRESS", "final")  # what the report harness sets for its kernels
    explore_widget.show(widget)
    assert isinstance(shown[-1], IPython.display.Markdown) and "static rendering" in shown[-1].data
    monkeypatch.setenv("ECOMBALANCE_PROGRESS", "live")
    explore_widget.show(widget)
    assert shown[-1] is widget and isinstance(widget.box, ipywidgets.VBox)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"methods": ["none+torch_mlp:focal"]}, ValueError, "without a loss"),
    ({"methods": ["nothing+logreg"]}, ValueError, "unknown sampler 'nothing'"),
    ({"methods": ["none+torch_mlp"], "losses": ["fancy"]}, ValueError, "unknown loss 'fancy'"),
    ({"methods": []}, ValueError, "methods is empty"),
    ({"methods": ["none+logreg", "none+logreg"]}, ValueError, "repeat a name"),
    ({"methods": ["none+logreg"], "folds": 60}, ValueError, "fewer than the 60 folds need"),
])
def test_bad_explorer_settings_are_named(table, kwargs, error, message):
    with pytest.raises(error, match=message):
        explore.Explorer(table, **kwargs)


@pytest.mark.parametrize("kwargs, message", [
    ({"method": "smote+logreg"}, r"not one of this explorer's methods \['none\+logreg'"),
    ({"method": "none+logreg", "loss": "focal"}, "has no loss to choose"),
    ({"method": "none+torch_mlp", "loss": "ldam"}, r"loss 'ldam' is not one of this explorer's losses \['ce', 'focal'\]"),
    ({"method": "none+logreg", "threshold": 1.0}, "threshold must be strictly between 0 and 1, got 1.0"),
    ({"method": "none+logreg", "rule": "cost", "cost_ratio": -2}, "cost_ratio must be a positive number, got -2"),
    ({"method": "none+logreg", "rule": "maybe"}, r"rule must be one of \['threshold', 'cost'\]"),
    ({"method": "none+logreg", "focus": "toys"}, "focus class 'toys' is not a class of the table"),
])
def test_bad_view_parameters_are_named(explorer, kwargs, message):
    with pytest.raises(ValueError, match=message):
        explorer.view(**kwargs)


def test_bad_widget_and_table_inputs_are_named(explorer, table):
    with pytest.raises(TypeError, match="Explorer takes a checked Table"):
        explore.Explorer(table.frame, ["none+logreg"])
    with pytest.raises(TypeError, match="ExplorerWidget takes an Explorer"):
        explore_widget.ExplorerWidget(table)
    with pytest.raises(ValueError, match=r"the sliders reach threshold \[0.01, 0.99\]"):
        explore_widget.ExplorerWidget(explorer, "none+logreg", rule="cost", cost_ratio=500.0)


def _two_class_labels(kind, bought):
    """The sessions label as a user's file may hold it: booleans, 0/1, strings, or booleans in an object column
    (True/False read with blanks), pandas' nullable booleans."""
    return {"bool": bought, "int": bought.astype(int), "str": bought.map({True: "yes", False: "no"}),
            "object": bought.astype(object), "nullable": bought.astype("boolean")}[kind]


@pytest.mark.parametrize("kind", ["bool", "int", "str", "object", "nullable"])
def test_notebook_08_decides_two_class_labels_of_every_type(kind):
    """Issue 26: notebook 08 on the web-sessions table crashed on its boolean label. Every rule's decisions and the
    table's recall and precision are sklearn's on the same out-of-fold probabilities, whatever the label's type."""
    from ecombalance.data import _shapes as shapes

    frame = shapes.sessions(300, random_state=0)
    frame["revenue"] = _two_class_labels(kind, frame["revenue"])
    tbl = datasets.load(data_path=frame, label_col="revenue", n_splits=3)
    ex = explore.Explorer(tbl, ["none+logreg", "class_weight+logreg"], folds=3, random_state=0)
    focus = tbl.classes[-1]  # the buyers, the smaller class
    assert str(focus) in {"True", "1", "yes"}
    y = tbl.y.to_numpy()
    for rule, decide in (("threshold", lambda p: by_threshold(p, ex.classes, focus, 0.3)),
                         ("cost", lambda p: by_cost(p, ex.classes, focus, 5.0))):
        view = ex.view("class_weight+logreg", rule=rule, threshold=0.3, cost_ratio=5.0)
        proba = ex.probabilities("class_weight+logreg")
        expected = decide(proba)
        assert list(view.y_pred) == list(expected)
        assert view.focus_recall == pytest.approx(recall_score(y == focus, expected == focus))
        assert view.focus_precision == pytest.approx(precision_score(y == focus, expected == focus))
    plain = ex.view(*ex.plain_of("class_weight+logreg"), rule="threshold", threshold=0.5)
    text = explore.describe_decisions(plain, ex.view("none+logreg", rule="cost", cost_ratio=5.0), plain)
    assert f"the smallest class {str(focus)!r} is found with recall {plain.focus_recall:.3f}" in text
    explore.plot_view(view)
