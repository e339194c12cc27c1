"""Notebook 06's and 07's decision sections: the cost matrix rule on an experiment's folds, the EM prior
estimate on a known shifted subsample, and the click threshold tuned on one half of a log and scored on the other."""

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression

from ecombalance import evaluation
from ecombalance._chapters import decision_study as ds
from ecombalance.evaluation import _decisions as decisions
from ecombalance.evaluation import _profit as profit


@pytest.fixture(scope="module")
def result():
    X, y = make_classification(n_samples=3000, n_features=8, n_informative=5, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, weights=[0.6, 0.3, 0.1], class_sep=1.2, random_state=0)
    labels = np.array(["big", "mid", "small"])[y]
    methods = {"none+logreg": LogisticRegression(max_iter=1000),
               "class_weight+logreg": LogisticRegression(max_iter=1000, class_weight="balanced")}
    return evaluation.run_experiment(methods, X, labels, cv=5, random_state=0, progress=False)


def test_shifted_rows_have_the_asked_shares():
    y = np.repeat(["a", "b", "c"], [600, 300, 100])
    rows = ds.shifted_rows(y, {"a": 0.2, "b": 0.3, "c": 0.5}, random_state=1)
    assert len(rows) == 200 and len(set(rows)) == 200  # c limits: 100 / 0.5
    assert pd.Series(y[rows]).value_counts().to_dict() == {"c": 100, "b": 60, "a": 40}
    with pytest.raises(ValueError, match="positive shares summing to 1"):
        ds.shifted_rows(y, {"a": 0.5, "b": 0.6})
    with pytest.raises(ValueError, match=r"class\(es\) \['z'\] that y does not hold"):
        ds.shifted_rows(y, {"a": 0.5, "z": 0.5})


@pytest.mark.parametrize("method", ["none+logreg", "class_weight+logreg"])
def test_prior_shift_study_estimates_on_one_half_and_scores_the_other(result, method):
    study = ds.prior_shift_study(result, method, "reversed", random_state=0, n_draws=3)
    y, proba = np.asarray(result.y), result.oof_proba[method]
    classes = result.classes
    data = np.bincount(pd.factorize(y, sort=True)[0]) / len(y)
    learnt = np.full(3, 1 / 3) if method.startswith("class_weight") else data
    np.testing.assert_allclose(study.table["train"], learnt)
    shares = pd.Series(y).value_counts(normalize=True)  # largest first: big, mid, small
    target = dict(zip(shares.index, shares.to_numpy()[::-1]))  # the shares reversed
    # every draw by hand: the shifted rows, two halves with the same shares, EM on one, Bayes' rule on the other
    estimates, eces, errors = [], {"raw": [], "estimated": [], "known": [], "in_sample": []}, []
    for d in range(3):
        rows = ds.shifted_rows(y, target, random_state=d)
        assert study.n_rows == len(rows)
        halves = study.draws[study.draws["draw"] == d]
        assert halves["n_rows"].sum() == len(rows) and abs(halves["n_rows"].diff().iloc[1]) <= 3
        rng = np.random.default_rng(d)
        first, second = [], []
        for c in np.unique(y[rows]):
            members = rng.permutation(rows[y[rows] == c])
            cut = len(members) // 2 + (len(members) % 2) * int(rng.integers(2))
            first += members[:cut].tolist()
            second += members[cut:].tolist()
        first, second = np.sort(first), np.sort(second)
        held, own = np.zeros((len(y), 3)), np.zeros((len(y), 3))
        for fit, score in ((first, second), (second, first)):
            em = evaluation.estimate_priors_em(proba[fit], learnt, max_iter=1000)
            estimates.append(em.priors)
            true_fit = np.array([(y[fit] == c).mean() for c in classes])
            errors.append(np.abs(em.priors - true_fit).max())
            moved = proba[score] * em.priors / learnt
            held[score] = moved / moved.sum(1, keepdims=True)
            own[fit] = em.proba
        true = np.array([(y[rows] == c).mean() for c in classes])
        known = proba[rows] * true / learnt
        for name, p in (("raw", proba[rows]), ("estimated", held[rows]), ("in_sample", own[rows]),
                        ("known", known / known.sum(1, keepdims=True))):
            eces[name].append(evaluation.expected_calibration_error(y[rows], p, classes=classes))
    np.testing.assert_allclose(study.table["estimated"], np.mean(estimates, axis=0), atol=1e-12)
    np.testing.assert_allclose(study.draws["max_error"], errors, atol=1e-12)
    for name, values in eces.items():
        assert study.mean(f"ece_{name}") == pytest.approx(np.mean(values), abs=1e-12)
    np.testing.assert_allclose(study.table["true"], [0.1, 0.3, 0.6], atol=0.01)
    assert study.max_error["mean"] == pytest.approx(np.mean(errors)) and study.max_error["mean"] < 0.06
    assert study.max_error["sd"] == pytest.approx(np.std(errors, ddof=1))
    assert study.mean("ece_estimated") < study.mean("ece_raw")
    headline = ds.prior_shift_headline(study)
    assert headline["estimated_prior_small"] == pytest.approx(np.mean(estimates, axis=0)[2])
    assert headline["estimated_prior_max_error"] == pytest.approx(np.mean(errors))
    assert headline["estimated_prior_draws"] == 3
    assert headline["estimated_prior_ece_in_sample"] == pytest.approx(np.mean(eces["in_sample"]))
    text = ds.describe_prior_shift(study)
    assert f"is off by at most {np.mean(errors):.3f} on any class" in text
    assert f"from {np.mean(eces['raw']):.3f} unadjusted to {np.mean(eces['estimated']):.3f}" in text
    assert f"the estimate gives {np.mean(eces['in_sample']):.3f}" in text


def test_the_text_explains_why_estimated_priors_can_beat_the_true_ones():
    def study(estimated, known, in_sample, sd=0.002):
        scores = pd.DataFrame({"draw": [0, 1], "ece_raw": 0.1, "ece_estimated": [estimated - sd, estimated + sd],
                               "ece_known": [known - sd, known + sd], "ece_in_sample": in_sample,
                               "accuracy_raw": 0.7, "accuracy_estimated": 0.8, "accuracy_known": 0.8})
        table = pd.DataFrame({"train": [0.5, 0.5], "true": [0.2, 0.8], "estimated": [0.25, 0.75],
                              "estimated_sd": 0.01, "naive": [0.4, 0.6]}, index=pd.Index(["a", "b"], name="class"))
        draws = pd.DataFrame({"draw": [0, 0, 1, 1], "half": [0, 1, 0, 1], "n_rows": 40, "n_iter": 9, "converged": True,
                              "max_error": [0.05, 0.04, 0.06, 0.05]})
        return ds.PriorShiftStudy("none+logreg", table, draws, scores, n_rows=80)

    text = ds.describe_prior_shift(study(estimated=0.047, known=0.087, in_sample=0.030))
    assert "even held out the estimated priors give a lower ECE than the true shares (0.047 against 0.087)" in text
    assert "not calibrated under its training priors" in text
    assert "the estimate gives 0.030, lower than held out" in text
    text = ds.describe_prior_shift(study(estimated=0.060, known=0.040, in_sample=0.060))
    assert "held out, the true shares give the lower ECE (0.040 against 0.060)" in text
    assert "no lower than held out" in text
    text = ds.describe_prior_shift(study(estimated=0.041, known=0.040, in_sample=0.041))
    assert "give about the same ECE (0.041 and 0.040" in text


def test_prior_shift_study_rejects_an_unknown_target(result):
    with pytest.raises(ValueError, match="'reversed', 'uniform'"):
        ds.prior_shift_study(result, "none+logreg", "backwards")
    with pytest.raises(ValueError, match="n_draws must be a positive integer"):
        ds.prior_shift_study(result, "none+logreg", n_draws=0)


def test_cost_decision_on_the_experiment_folds(result):
    costs = ds.inverse_frequency_costs(result.y)
    counts = pd.Series(result.y).value_counts()
    assert costs == {c: counts.iloc[0] / n for c, n in counts.items()} and costs[counts.index[0]] == 1
    cost = ds.miss_cost_matrix(result.classes, costs)
    assert cost[2, 0] == cost[2, 1] == costs["small"] and np.trace(cost) == 0
    decision = ds.cost_decision(result, "none+logreg", cost, n_resamples=100)
    direct = decisions.cost_decision_cv(result.y, cost, result.oof_proba["none+logreg"], result.folds,
                                         n_resamples=100)
    pd.testing.assert_frame_equal(decision.table, direct.table)
    numbers = ds.cost_decision_headline(decision)
    assert numbers["threshold_argmax_cost"] == pytest.approx(decision.table.loc["argmax", "expected_cost"])
    assert numbers["threshold_tuned_recall[small]"] == pytest.approx(decision.table.loc["tuned", "recall[small]"])
    assert {"threshold_tuned_cost_difference", "threshold_tuned_cost_difference_ci_low"} <= set(numbers)
    assert f"arg-max {decision.table.loc['argmax', 'expected_cost']:.3f}" in ds.describe_cost_decision(decision)
    with pytest.raises(ValueError, match=r"no cost for class\(es\) \['small'\]"):
        ds.miss_cost_matrix(result.classes, {"big": 1, "mid": 2})
    # notebook 06's default: these rarity costs, and nothing above MAX_TUNED_CLASSES classes
    pd.testing.assert_frame_equal(ds.rarity_cost_decision(result, "none+logreg", n_resamples=100).table, direct.table)
    assert ds.rarity_cost_decision(result, "none+logreg", max_classes=2) is None


def test_cost_decision_with_repeated_folds_uses_the_first_repeat():
    """The out-of-fold probabilities of a repeated experiment are its first repeat's (each row once): the cost
    rule tunes and scores on those folds, as if the experiment had run them alone."""
    X, y = make_classification(n_samples=600, n_features=6, n_informative=4, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, weights=[0.6, 0.3, 0.1], random_state=1)
    cv = evaluation.make_folds(y, n_splits=3, random_state=0, n_repeats=2)
    repeated = evaluation.run_experiment({"lr": LogisticRegression(max_iter=500)}, X, y, cv=cv, progress=False)
    once = evaluation.run_experiment({"lr": LogisticRegression(max_iter=500)}, X, y, cv=list(cv)[:3], progress=False)
    np.testing.assert_allclose(repeated.oof_proba["lr"], once.oof_proba["lr"])
    cost = ds.miss_cost_matrix(repeated.classes, ds.inverse_frequency_costs(y))
    pd.testing.assert_frame_equal(ds.cost_decision(repeated, "lr", cost, n_resamples=50).table,
                                  ds.cost_decision(once, "lr", cost, n_resamples=50).table)


def test_click_profit_study_tunes_on_one_half_and_scores_the_other():
    rng = np.random.default_rng(0)
    p = rng.beta(1, 20, 20_000)
    y = (rng.random(len(p)) < p).astype(int)
    study = ds.click_profit_study(y, p, value_of_click=1.0, cost_of_impression=0.05, random_state=3)
    order = np.random.default_rng(3).permutation(len(y))
    tune, score = np.sort(order[:10_000]), np.sort(order[10_000:])
    tuned = profit.profit_threshold(y[tune], p[tune], 1.0, 0.05)
    assert study["tuned"].threshold == tuned.threshold
    acted = p[score] >= tuned.threshold
    by_hand = (y[score][acted] == 1).sum() - 0.05 * (y[score][acted] == 0).sum()
    assert study["scored"].loc["tuned", "profit"] == pytest.approx(by_hand)
    assert study["scored"].loc["everyone", "profit"] == pytest.approx(y[score].sum() - 0.05 * (1 - y[score]).sum())
    numbers = ds.profit_headline(study)
    assert numbers["profit_threshold"] == tuned.threshold
    assert numbers["profit_threshold_closed_form"] == pytest.approx(0.05 / 1.05)
    assert numbers["profit_per_1000_tuned"] == pytest.approx(by_hand / 10_000 * 1000)
    assert numbers["profit_per_1000_tuned"] > numbers["profit_per_1000_everyone"]
    assert f"{tuned.threshold:.3f}" in ds.describe_profit(study, 1.0, 0.05)


def test_click_profit_study_compares_tuned_and_closed_form_on_the_held_out_half_with_an_interval():
    """Issue 27: the tuned threshold against the closed form on the scoring half, with a bootstrap interval over its
    queries; and the closed form applied to raw (down-sampled) probabilities against recalibrated ones."""
    rng = np.random.default_rng(5)
    q = rng.beta(1, 30, 12_000)
    y = (rng.random(len(q)) < q).astype(int)
    w = 0.1
    raw = q / (q + (1 - q) * w)  # what a model trained on negatives kept at rate w predicts
    groups = np.repeat(np.arange(1200), 10)
    study = ds.click_profit_study(y, q, 1.0, 0.05, random_state=2, raw=raw, groups=groups, n_resamples=300)
    order = np.random.default_rng(2).permutation(len(y))
    score = np.sort(order[6000:])
    t, closed = study["tuned"].threshold, 0.05 / 1.05

    def profit(p, threshold):  # per row: +1 for a click shown, -0.05 for an impression without one
        acted = p[score] >= threshold
        return np.where(acted, np.where(y[score] == 1, 1.0, -0.05), 0.0)

    d = study["difference"]
    assert d["estimate"] == pytest.approx(1000 * (profit(q, t) - profit(q, closed)).mean())
    assert d["ci_low"] <= d["estimate"] <= d["ci_high"] and d["grouped"] and d["n_rows"] == 6000
    assert d["estimate"] == pytest.approx(study["scored"].loc["tuned", "profit_per_row"] * 1000
                                          - study["scored"].loc["closed_form", "profit_per_row"] * 1000)
    table = study["closed_form_raw"]
    for name, p in (("raw", raw), ("recalibrated", q)):
        assert table.loc[name, "shown_per_1000"] == pytest.approx(1000 * (p[score] >= closed).mean())
        assert table.loc[name, "clicks_per_1000"] == pytest.approx(1000 * ((p[score] >= closed) & (y[score] == 1)).mean())
        assert table.loc[name, "profit_per_1000"] == pytest.approx(1000 * profit(p, closed).mean())
    assert table.loc["raw", "shown_per_1000"] > table.loc["recalibrated", "shown_per_1000"]
    numbers = ds.profit_headline(study)
    assert numbers["profit_raw_at_closed_form"] == pytest.approx(table.loc["raw", "profit_per_1000"])
    assert numbers["profit_recalibrated_at_closed_form"] == pytest.approx(table.loc["recalibrated", "profit_per_1000"])
    assert numbers["shown_raw_at_closed_form"] == pytest.approx(table.loc["raw", "shown_per_1000"])
    assert (numbers["profit_tuned_minus_closed_form_ci_low"], numbers["profit_tuned_minus_closed_form_ci_high"]) == (
        d["ci_low"], d["ci_high"])
    text = ds.describe_profit(study, 1.0, 0.05).splitlines()
    assert len(text) == 3
    assert text[1].startswith(f"- Tuned minus closed form on the held-out half: {d['estimate']:+.2f} per 1,000 rows "
                              f"(95 % bootstrap interval over its queries {d['ci_low']:+.2f} to {d['ci_high']:+.2f})")
    assert ("interval holds 0" in text[1]) == (d["ci_low"] <= 0 <= d["ci_high"])
    ratio = table.loc["raw", "shown_per_1000"] / table.loc["recalibrated", "shown_per_1000"]
    assert (f"shows {table.loc['raw', 'shown_per_1000']:.0f} items per 1,000 rows instead of "
            f"{table.loc['recalibrated', 'shown_per_1000']:.0f} ({ratio:.1f}× as many)") in text[2]
    with pytest.raises(ValueError, match=r"raw must hold one probability per row of p \(12000\)"):
        ds.click_profit_study(y, q, 1.0, 0.05, raw=raw[:10])


def test_the_managers_figures_draw_the_curves(result):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ecombalance.plotting import _figures as figures

    cost = ds.miss_cost_matrix(result.classes, ds.inverse_frequency_costs(result.y))
    decision = ds.cost_decision(result, "none+logreg", cost, n_resamples=50)
    ax = figures.plot_cost_curve(decision.curve, decision.table, cost_unit="cost of missing a `big` item")
    small = decision.curve[decision.curve["class"] == "small"]
    line = [l for l in ax.get_lines() if l.get_label() == "threshold on small"][0]
    np.testing.assert_allclose(line.get_ydata(), small["expected_cost"])
    assert "mean cost per item" in ax.get_ylabel() and "threshold" in ax.get_xlabel()
    rules = {l.get_label(): l.get_ydata()[0] for l in ax.get_lines() if not l.get_label().startswith("threshold")}
    assert rules == {f"{r}: {c:.3f}": pytest.approx(c) for r, c in decision.table["expected_cost"].items()}
    bayes = [l for l in ax.get_lines() if l.get_gid() == "bayes rule"]  # the Bayes rule marked, drawn heavier
    assert len(bayes) == 1 and bayes[0].get_label().startswith("bayes") and bayes[0].get_linewidth() == 2
    plt.close(ax.figure)
    rng = np.random.default_rng(0)
    p = rng.beta(1, 20, 4000)
    study = ds.click_profit_study((rng.random(4000) < p).astype(int), p, 1.0, 0.05)
    ax = figures.plot_profit_curve(study["curve"], study["tuned"].threshold, study["tuned"].closed_form)
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), study["curve"]["profit_per_row"] * 1000)
    assert any("tuned threshold" in l.get_label() for l in ax.get_lines())
    plt.close(ax.figure)


def test_the_prior_estimate_runs_on_the_best_calibrated_plain_model(result):
    # class_weight+logreg learnt uniform priors, so only the plain model qualifies here
    assert ds.most_calibrated(result) == "none+logreg"
    over = evaluation.run_experiment({"none+logreg": LogisticRegression(max_iter=1000),
                                      "none+gboost": RandomForestClassifier(n_estimators=5, max_depth=2, random_state=0)},
                                     *small_problem(), cv=3, random_state=0, progress=False)
    eces = {m: evaluation.expected_calibration_error(over.y, over.oof_proba[m], classes=over.classes)
            for m in over.methods}  # pooled out-of-fold: every row once
    assert ds.most_calibrated(over) == min(eces, key=eces.get)
    only_weighted = evaluation.run_experiment({"class_weight+logreg": LogisticRegression(class_weight="balanced")},
                                              *small_problem(), cv=3, random_state=0, progress=False)
    with pytest.raises(ValueError, match="no plain model"):
        ds.most_calibrated(only_weighted)


def small_problem():
    """600 rows of another 3-class problem, labelled big / mid / small."""
    X, y = make_classification(n_samples=600, n_features=6, n_informative=4, n_redundant=0, n_classes=3,
                               n_clusters_per_class=1, weights=[0.6, 0.3, 0.1], random_state=1)
    return X, np.array(["big", "mid", "small"])[y]
