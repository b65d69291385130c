"""The effect of a measure: did new voices about a place and problem fall after it?

Input is the number of new voices per day about the issue before and after the measure's
date, and the same days' counts for similar issues (controls: the same kind of problem at
other places). Output is an :class:`Effect`: the rates before and after, the change, the
change once what happened to the controls anyway is taken out, its 95% interval, a p-value
and a verdict (:class:`Verdict`) — fell, rose, no clear effect, or too little data.

The method (docs/effect.md says it in plain words):

1. New voices are counts, so chance alone moves them: 30 voices in a month and 24 the next
   is no evidence of anything. Under "nothing changed", the voices of both periods are one
   Poisson stream, and given their total the number that fell after the measure is
   binomial. That exact conditional test needs no normal approximation, so it is right for
   small counts too.
2. Other things change too (a holiday, the weather, a campaign that brings more calls):
   the controls show it. With controls, the question becomes whether the issue's rate
   changed *more than the controls' did* — the ratio of the two rate ratios
   (a difference-in-differences on log rates). Given all four totals, the number of the
   issue's voices after the measure follows Fisher's noncentral hypergeometric law in that
   ratio: Fisher's exact test, and its exact (Cornfield) interval.
3. A placebo check: each control's own change is compared with the issue's. A fall that
   several similar issues show as well, though no measure touched them, is not credited
   to the measure even when the pooled test would say so.

Plain Python and numpy, no Django (the engine's rule).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

#: Days each period needs before anything is said.
MIN_DAYS = 7
#: The chance of calling noise a change that the verdict accepts (two-sided).
ALPHA = 0.05
#: The largest share of controls that may change as much as the issue (the placebo check).
PLACEBO_SHARE = 0.2
#: Added to each count when a ratio would divide by zero (Haldane's correction).
_HALF = 0.5


class Verdict(StrEnum):
    """What the numbers say about the measure."""

    FELL = "fell"  #: fewer new voices, by more than chance and the controls explain
    ROSE = "rose"  #: more new voices, by more than chance and the controls explain
    NO_CLEAR_EFFECT = "no_clear_effect"  #: a change noise or the controls explain
    TOO_LITTLE_DATA = "too_little_data"  #: too few days, or no voices at all


@dataclass(frozen=True)
class Counts:
    """New voices per day before and after the measure's date (the same days for all)."""

    before: tuple[int, ...]
    after: tuple[int, ...]

    @classmethod
    def of(cls, before: Sequence[int], after: Sequence[int]) -> Counts:
        """Counts from any sequences of non-negative whole numbers."""
        before, after = tuple(int(n) for n in before), tuple(int(n) for n in after)
        if any(n < 0 for n in before + after):
            raise ValueError("counts of voices cannot be negative")
        return cls(before, after)

    @property
    def total_before(self) -> int:
        return sum(self.before)

    @property
    def total_after(self) -> int:
        return sum(self.after)

    def rate_before(self) -> float | None:
        """Voices a day before the measure (``None`` without days)."""
        return self.total_before / len(self.before) if self.before else None

    def rate_after(self) -> float | None:
        """Voices a day after the measure (``None`` without days)."""
        return self.total_after / len(self.after) if self.after else None

    def log_ratio(self) -> float:
        """The log of the rate after over the rate before, each count plus one half."""
        after = (self.total_after + _HALF) / len(self.after)
        before = (self.total_before + _HALF) / len(self.before)
        return math.log(after / before)


@dataclass(frozen=True)
class Effect:
    """What happened to new voices after a measure, and whether it is more than noise.

    Ratios are "after over before": 0.4 means 60% fewer voices a day. ``ratio`` is the
    issue's own; ``controls_ratio`` the pooled controls'; ``adjusted_ratio`` the issue's
    over the controls' (the issue's alone without controls), with its interval ``low`` –
    ``high`` at 1 − :data:`ALPHA` and the exact test's ``p_value`` against "no change".
    ``controls_as_large`` of the ``controls`` changed at least as much in the same
    direction (the placebo check).
    """

    verdict: Verdict
    days_before: int
    days_after: int
    voices_before: int
    voices_after: int
    rate_before: float | None
    rate_after: float | None
    ratio: float | None
    controls: int
    controls_ratio: float | None
    adjusted_ratio: float | None
    low: float | None
    high: float | None
    p_value: float | None
    controls_as_large: int = 0

    @staticmethod
    def percent(ratio: float | None) -> float | None:
        """A ratio as a change in percent (0.4 → −60.0)."""
        return None if ratio is None or math.isinf(ratio) else 100 * (ratio - 1)

    @property
    def change(self) -> float | None:
        """The issue's own change in percent."""
        return self.percent(self.ratio)

    @property
    def adjusted_change(self) -> float | None:
        """The change in percent beyond the controls'."""
        return self.percent(self.adjusted_ratio)

    @property
    def controls_change(self) -> float | None:
        return self.percent(self.controls_ratio)

    @property
    def significant(self) -> bool:
        """More than noise: the exact test rejects "no change" at :data:`ALPHA`."""
        return self.p_value is not None and self.p_value < ALPHA


def measure(issue: Counts, controls: Sequence[Counts] = (), *, alpha: float = ALPHA) -> Effect:
    """The effect of a measure on ``issue``'s new voices, against ``controls``.

    Each control must count the same days as the issue. Controls with no voice in either
    period say nothing about change and are left out; without any left, the issue is
    compared with its own past only (the exact binomial test).

    The verdict is ``fell`` (or ``rose``) only when the exact test rejects "no change
    beyond the controls'" at ``alpha`` *and* at most :data:`PLACEBO_SHARE` of the
    controls changed as much in the same direction; periods shorter than
    :data:`MIN_DAYS` days, or no voices at all, give ``too_little_data``.
    """
    for control in controls:
        if (len(control.before), len(control.after)) != (len(issue.before), len(issue.after)):
            raise ValueError("each control must count the same days as the issue")
    b_days, a_days = len(issue.before), len(issue.after)
    before, after = issue.total_before, issue.total_after
    informative = [c for c in controls if c.total_before + c.total_after]
    pooled = Counts(
        tuple(map(sum, zip(*(c.before for c in informative), strict=True))) or (0,) * b_days,
        tuple(map(sum, zip(*(c.after for c in informative), strict=True))) or (0,) * a_days,
    )
    plain = {
        "days_before": b_days,
        "days_after": a_days,
        "voices_before": before,
        "voices_after": after,
        "rate_before": issue.rate_before(),
        "rate_after": issue.rate_after(),
        "controls": len(informative),
    }
    if min(b_days, a_days) < MIN_DAYS or before + after == 0:
        return Effect(
            Verdict.TOO_LITTLE_DATA,
            ratio=_ratio(after, a_days, before, b_days) if b_days and a_days else None,
            controls_ratio=None,
            adjusted_ratio=None,
            low=None,
            high=None,
            p_value=None,
            **plain,
        )
    ratio = _ratio(after, a_days, before, b_days)
    if informative:
        c_before, c_after = pooled.total_before, pooled.total_after
        controls_ratio = _ratio(c_after, a_days, c_before, b_days)
        adjusted = _odds(after, before, c_after, c_before)
        law = _hypergeometric(after, before, c_after, c_before)
    else:
        controls_ratio = None
        adjusted = _odds(after, before) * b_days / a_days
        law = _binomial(after, before, a_days / b_days)
    p_value = law.p_value()
    low, high = law.interval(alpha)
    own = issue.log_ratio()
    as_large = sum(
        1 for c in informative if (c.log_ratio() <= own if own < 0 else c.log_ratio() >= own)
    )
    verdict = Verdict.NO_CLEAR_EFFECT
    placebo_passes = not informative or as_large <= PLACEBO_SHARE * len(informative)
    if p_value < alpha and placebo_passes:
        verdict = Verdict.FELL if adjusted < 1 else Verdict.ROSE
    return Effect(
        verdict,
        ratio=ratio,
        controls_ratio=controls_ratio,
        adjusted_ratio=adjusted,
        low=low,
        high=high,
        p_value=p_value,
        controls_as_large=as_large,
        **plain,
    )


def _ratio(after: int, a_days: int, before: int, b_days: int) -> float | None:
    """Rate after over rate before; ``None`` when there was nothing before."""
    if before == 0:
        return None
    return (after / a_days) / (before / b_days)


# ---- exact conditional laws ---------------------------------------------------------------


def _odds(*counts: int) -> float:
    """First over second, times fourth over third (for two counts, just the first over the
    second); with one half added to each when any is zero."""
    values = [n + _HALF for n in counts] if 0 in counts else list(counts)
    odds = values[0] / values[1]
    return odds * values[3] / values[2] if len(values) == 4 else odds


def _log_choose(n: int, k: np.ndarray) -> np.ndarray:
    lgamma = np.vectorize(math.lgamma, otypes=[float])
    return math.lgamma(n + 1) - lgamma(k + 1) - lgamma(n - k + 1)


@dataclass(frozen=True)
class _Law:
    """A law of one count ``x`` over ``support`` with probabilities ∝ base · ψ^k, where ψ
    is the ratio the test is about (1 under "no change")."""

    x: int
    support: np.ndarray
    log_base: np.ndarray

    def probabilities(self, log_psi: float = 0.0) -> np.ndarray:
        logs = self.log_base + self.support * log_psi
        logs -= logs.max()
        weights = np.exp(logs)
        return weights / weights.sum()

    def p_value(self) -> float:
        """Two-sided: the chance under ψ = 1 of a count no likelier than the one seen."""
        p = self.probabilities()
        seen = p[self.support == self.x][0]
        return float(min(1.0, p[p <= seen * (1 + 1e-7)].sum()))

    def _tail(self, log_psi: float, upper: bool) -> float:
        p = self.probabilities(log_psi)
        return float(p[self.support >= self.x].sum() if upper else p[self.support <= self.x].sum())

    def interval(self, alpha: float) -> tuple[float, float]:
        """The exact interval of ψ: the ψ at which a count this high (low) has chance α/2."""
        low = 0.0
        if self.x > self.support[0]:
            low = math.exp(self._solve(lambda s: self._tail(s, upper=True), alpha / 2))
        high = math.inf
        if self.x < self.support[-1]:
            high = math.exp(self._solve(lambda s: 1 - self._tail(s, upper=False), 1 - alpha / 2))
        return low, high

    @staticmethod
    def _solve(increasing, target: float, lo: float = -40.0, hi: float = 40.0) -> float:
        """The log ψ at which ``increasing`` (a function rising in log ψ) reaches ``target``."""
        for _ in range(100):
            mid = (lo + hi) / 2
            if increasing(mid) < target:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2


def _binomial(after: int, before: int, days_ratio: float) -> _Law:
    """Given ``after + before`` voices, those after the measure are binomial; with ψ the
    rate ratio, their chance is ψ·d / (ψ·d + 1), ``d`` = days after / days before."""
    n = after + before
    k = np.arange(n + 1)
    return _Law(after, k, _log_choose(n, k) + k * math.log(days_ratio))


def _hypergeometric(after: int, before: int, c_after: int, c_before: int) -> _Law:
    """Given all four totals, the issue's voices after the measure follow Fisher's
    noncentral hypergeometric law in ψ, the ratio of the issue's rate ratio to the
    controls' (the days cancel: both count the same days)."""
    issue, control, later = after + before, c_after + c_before, after + c_after
    k = np.arange(max(0, later - control), min(issue, later) + 1)
    return _Law(after, k, _log_choose(issue, k) + _log_choose(control, later - k))
