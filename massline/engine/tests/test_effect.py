"""The effect of a measure on constructed counts: a real drop is reported as real, chance
as no clear effect, a drop every similar issue shows (a holiday) is not credited to the
measure, and too few days say so."""

import math

import numpy as np
import pytest

from massline.engine.effect import Counts, Verdict, _binomial, _hypergeometric, measure

DAYS = 30


def poisson(rng, before: float, after: float, days: int = DAYS) -> Counts:
    return Counts.of(rng.poisson(before, days), rng.poisson(after, days))


def test_a_real_drop_from_eight_to_three_a_day_is_reported_as_a_fall():
    for seed in range(50):
        rng = np.random.default_rng(seed)
        controls = [poisson(rng, 5, 5) for _ in range(6)]
        effect = measure(poisson(rng, 8, 3), controls)
        assert effect.verdict == Verdict.FELL, seed
        assert effect.rate_before > effect.rate_after
        assert effect.high < 1 and effect.p_value < 0.001
        assert -75 < effect.adjusted_change < -50


def test_a_real_drop_is_a_fall_without_controls_too():
    rng = np.random.default_rng(3)
    effect = measure(poisson(rng, 8, 3))
    assert effect.verdict == Verdict.FELL and effect.controls == 0
    assert effect.adjusted_ratio == effect.ratio
    assert effect.low < effect.ratio < effect.high < 1


def test_a_rise_is_reported_as_a_rise():
    rng = np.random.default_rng(4)
    effect = measure(poisson(rng, 3, 8), [poisson(rng, 5, 5) for _ in range(6)])
    assert effect.verdict == Verdict.ROSE and effect.low > 1 and effect.change > 100


@pytest.mark.parametrize("controls", [0, 6])
def test_random_variation_is_no_clear_effect_in_at_least_95_percent_of_seeds(controls):
    seeds = 400
    calm = 0
    for seed in range(seeds):
        rng = np.random.default_rng(1000 + seed)
        others = [poisson(rng, 4, 4) for _ in range(controls)]
        calm += measure(poisson(rng, 6, 6), others).verdict == Verdict.NO_CLEAR_EFFECT
    assert calm >= 0.95 * seeds


def test_a_drop_every_similar_issue_shows_is_not_credited_to_the_measure():
    """A holiday: the issue falls from 8 to 3 a day, and so does every control."""
    credited = 0
    for seed in range(50):
        rng = np.random.default_rng(seed)
        controls = [poisson(rng, 6, 6 * 3 / 8) for _ in range(6)]
        effect = measure(poisson(rng, 8, 3), controls)
        assert effect.change < -40  # the issue did fall …
        assert effect.controls_change < -40  # … as the controls did
        credited += effect.verdict == Verdict.FELL
    assert credited <= 3


def test_a_fall_that_several_similar_issues_show_alone_fails_the_placebo_check():
    """The pooled controls hold steady, but two of five fell further without any measure."""
    rng = np.random.default_rng(11)
    controls = [poisson(rng, 8, 2), poisson(rng, 8, 2)] + [poisson(rng, 20, 22) for _ in range(3)]
    effect = measure(poisson(rng, 8, 3), controls)
    assert effect.significant  # the pooled test alone would credit it
    assert effect.controls_as_large >= 2
    assert effect.verdict == Verdict.NO_CLEAR_EFFECT


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ([5] * DAYS, [1, 0, 2]),  # three days since the measure
        ([5] * DAYS, []),  # the measure is today
        ([], [3] * DAYS),  # nothing recorded before
        ([0] * DAYS, [0] * DAYS),  # no voice at all
    ],
)
def test_too_few_days_or_no_voices_is_too_little_data(before, after):
    effect = measure(Counts.of(before, after), [Counts.of([1] * len(before), [1] * len(after))])
    assert effect.verdict == Verdict.TOO_LITTLE_DATA
    assert effect.p_value is None and effect.low is None


def test_an_issue_with_no_voice_before_still_gets_a_verdict():
    effect = measure(Counts.of([0] * 14, [2] * 14))
    assert effect.ratio is None and effect.change is None
    assert effect.verdict == Verdict.ROSE and math.isinf(effect.high)


def test_controls_without_any_voice_are_left_out():
    rng = np.random.default_rng(5)
    issue = poisson(rng, 8, 3)
    silent = Counts.of([0] * DAYS, [0] * DAYS)
    assert measure(issue, [silent, silent]) == measure(issue)


def test_controls_must_count_the_same_days():
    with pytest.raises(ValueError, match="same days"):
        measure(Counts.of([1] * 10, [1] * 10), [Counts.of([1] * 9, [1] * 10)])
    with pytest.raises(ValueError, match="negative"):
        Counts.of([-1], [1])


def test_the_exact_laws_agree_with_the_textbook_values():
    # binom.test(2, 12) in R: p = 0.03857, 95% interval of p 0.02086–0.4841 (as odds).
    law = _binomial(2, 10, 1.0)
    assert law.p_value() == pytest.approx(0.038574, abs=1e-6)
    low, high = law.interval(0.05)
    assert low == pytest.approx(0.02086 / (1 - 0.02086), rel=1e-3)
    assert high == pytest.approx(0.48414 / (1 - 0.48414), rel=1e-3)
    # Fisher's tea tasting, fisher.test(matrix(c(3, 1, 1, 3), 2)): p = 0.4857, lower 0.2117.
    law = _hypergeometric(3, 1, 1, 3)
    assert law.p_value() == pytest.approx(0.485714, abs=1e-6)
    low, high = law.interval(0.05)
    assert low == pytest.approx(0.2117, rel=1e-3)
    assert 600 < high < 650


def test_unequal_periods_compare_rates_not_totals():
    """60 days at 4 a day before, 20 days at 4 a day after: no change at all."""
    effect = measure(Counts.of([4] * 60, [4] * 20))
    assert effect.ratio == pytest.approx(1.0)
    assert effect.verdict == Verdict.NO_CLEAR_EFFECT and effect.p_value > 0.9
