"""Testing decisions in practice (检验), and the cycles they are tested in.

A decision is **verified** once its commitments are due: the satisfaction of the people
concerned, and the effect — did new voices about that place and problem fall after the
decision, compared with before and with similar issues (``massline.engine.effect``)? An
issue that did not go away is **reopened** into the next cycle with its history: a
:class:`Reopening` links the hot issue to the decision and the verification, and the next
month's cycle report carries it.

Cycles are calendar months (:mod:`massline.cycles.report`); nothing about them is stored
but what happened in them.
"""

from dataclasses import asdict
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.decisions.models import Commitment, Decision
from massline.engine import effect as engine
from massline.hotissues.models import HotIssue

#: The share of answers that must be satisfied for the issue to count as gone away.
SATISFIED_ENOUGH = 2 / 3


class VerificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VerificationQuerySet":
        """Verifications of decisions on hot issues ``user`` may open."""
        if not user.is_active or not user.has_perm("cycles.view_verification"):
            return self.none()
        return self.filter(decision__opinion__hot_issue__in=HotIssue.objects.visible_to(user))


class Verification(models.Model):
    """One test of a decision in practice: the people's satisfaction and the effect on new
    voices, the verdict, and whether the issue went away or was reopened."""

    class Verdict(models.TextChoices):
        FELL = engine.Verdict.FELL, _("Fell (下降)")
        ROSE = engine.Verdict.ROSE, _("Rose (上升)")
        NO_CLEAR_EFFECT = engine.Verdict.NO_CLEAR_EFFECT, _("No clear effect (无明显变化)")
        TOO_LITTLE_DATA = engine.Verdict.TOO_LITTLE_DATA, _("Too little data (数据不足)")

    class Outcome(models.TextChoices):
        WENT_AWAY = "went_away", _("The issue went away")
        REOPENED = "reopened", _("Reopened into the next cycle")

    decision = models.ForeignKey(
        Decision, models.CASCADE, related_name="verifications", verbose_name=_("decision")
    )
    verified_at = models.DateTimeField(_("verified at"), default=timezone.now, db_index=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("verified by")
    )
    # The days compared: before is [before_from, measure_date), after [measure_date, after_until).
    before_from = models.DateField()
    measure_date = models.DateField(_("measure's date"))
    after_until = models.DateField()
    # New voices per day: {"days": [ISO date …], "issue": [n …], "controls": [n …]} (controls
    # pooled), and the similar issues compared: [{"id", "title", "place", "before", "after"}].
    series = models.JSONField(default=dict)
    controls = models.JSONField(default=list)
    # The engine's Effect as it was computed (rates, ratios, interval, p-value).
    effect = models.JSONField(default=dict)
    verdict = models.CharField(_("effect"), max_length=20, choices=Verdict.choices, db_index=True)
    # The people's answers: to the decision's notice, and on their cases' replies.
    notices_yes = models.PositiveIntegerField(default=0)
    notices_partly = models.PositiveIntegerField(default=0)
    notices_no = models.PositiveIntegerField(default=0)
    callbacks_satisfied = models.PositiveIntegerField(default=0)
    callbacks_dissatisfied = models.PositiveIntegerField(default=0)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)

    objects = VerificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("verification")
        verbose_name_plural = _("verifications")
        ordering = ["-verified_at", "-id"]
        permissions = [("view_cycle_report", _("Can see and export the cycle reports"))]

    def __str__(self) -> str:
        return f"{self.decision} @ {self.verified_at:%Y-%m-%d}"

    # ---- what it found -------------------------------------------------------------

    @property
    def result(self) -> engine.Effect:
        """The effect as the engine's :class:`~massline.engine.effect.Effect`."""
        return engine.Effect(**{**self.effect, "verdict": engine.Verdict(self.verdict)})

    @property
    def answers(self) -> int:
        return self.satisfied + self.notices_partly + self.dissatisfied

    @property
    def satisfied(self) -> int:
        return self.notices_yes + self.callbacks_satisfied

    @property
    def dissatisfied(self) -> int:
        return self.notices_no + self.callbacks_dissatisfied

    @property
    def satisfaction(self) -> float | None:
        """Satisfied answers over all answers ("partly" is not satisfied); None without any."""
        return self.satisfied / self.answers if self.answers else None

    @property
    def satisfaction_percent(self) -> int | None:
        return None if self.satisfaction is None else round(100 * self.satisfaction)

    def reasons(self) -> list[str]:
        """Why the issue did not go away (empty when it did)."""
        reasons = []
        if self.verdict != self.Verdict.FELL:
            reasons.append(
                _("new voices did not clearly fall (%(effect)s)")
                % {"effect": self.get_verdict_display()}
            )
        if self.satisfaction is not None and self.satisfaction < SATISFIED_ENOUGH:
            reasons.append(
                _("only %(share)d%% of the answers are satisfied")
                % {"share": self.satisfaction_percent}
            )
        return [str(r) for r in reasons]

    def in_words(self) -> str:
        """Whether the change is more than noise, in a sentence for the page and the report."""
        result = self.result
        if self.verdict == self.Verdict.TOO_LITTLE_DATA:
            return _(
                "Too little data to tell: %(before)d days before and %(after)d days after the "
                "decision, %(voices)d voices (at least %(least)d days each are needed)."
            ) % {
                "before": result.days_before,
                "after": result.days_after,
                "voices": result.voices_before + result.voices_after,
                "least": engine.MIN_DAYS,
            }
        figures = {
            "change": abs(result.adjusted_change or 0),
            "low": engine.Effect.percent(result.low) if result.low is not None else 0,
            "high": engine.Effect.percent(result.high),
            "p": "p < 0.001" if result.p_value < 0.001 else f"p = {result.p_value:.3f}",
        }
        interval = (
            _("95%% interval %(low)+.0f%% to %(high)+.0f%%") % figures
            if figures["high"] is not None
            else _("95%% interval from %(low)+.0f%%") % figures
        )
        beyond = _("beyond what similar issues show") if result.controls else _("against before")
        if self.verdict == self.Verdict.FELL:
            text = _(
                "New voices fell by %(change).0f%% %(beyond)s (%(interval)s, %(p)s): "
                "more than noise."
            )
        elif self.verdict == self.Verdict.ROSE:
            text = _(
                "New voices rose by %(change).0f%% %(beyond)s (%(interval)s, %(p)s): "
                "more than noise."
            )
        else:
            text = _(
                "The change %(beyond)s (%(interval)s, %(p)s) is within what chance "
                "and similar issues explain: no clear effect."
            )
        return text % {**figures, "beyond": beyond, "interval": interval}

    def chart(self) -> dict:
        """The before/after chart's data: days, the issue's and the controls' voices per day,
        the mean rate of each period, and where the measure falls."""
        result = self.result
        days = self.series.get("days", [])
        return {
            "days": days,
            "issue": self.series.get("issue", []),
            "controls": self.series.get("controls", []),
            "measure": self.measure_date.isoformat(),
            "before": result.rate_before,
            "after": result.rate_after,
            "split": result.days_before,
            "similar": len(self.controls),
        }

    def timeline(self) -> dict:
        """The issue's voices per day as bars for the page's plain SVG chart (without
        scripts), drawn as the hot-issue page draws its own."""
        days = zip(self.series.get("days", []), self.series.get("issue", []), strict=True)
        return HotIssue(trend=[[day, n] for day, n in days]).timeline()

    # ---- verifying -----------------------------------------------------------------

    @classmethod
    @transaction.atomic
    def do_verify(cls, decision: Decision, user, today: date | None = None) -> "Verification":
        """Verify ``decision`` now: count, measure, record; reopen the issue if it did not
        go away (see :meth:`went_away`). Raises ValidationError if ``user`` may not, or the
        commitments are not all due yet."""
        from massline.cycles import counting  # the counting reads voices with the engine

        check_can_verify(user, decision)
        today = today or timezone.localdate()
        if not decision.commitments.exists():
            raise ValidationError(_("This decision has no commitments to verify."), code="none")
        waiting = not_due(decision, today)
        if waiting:
            raise ValidationError(
                _("Its commitments are not all due yet: %(titles)s.")
                % {"titles": "、".join(c.title for c in waiting)},
                code="not_due",
            )
        issue = decision.hot_issue
        measured = counting.effect_of(issue, decision.decided_on, today)
        answers = counting.answers(decision)
        verification = cls(
            decision=decision,
            verified_by=user,
            before_from=measured.before_from,
            measure_date=decision.decided_on,
            after_until=measured.after_until,
            series=measured.series,
            controls=measured.controls,
            effect={k: v for k, v in asdict(measured.effect).items() if k != "verdict"},
            verdict=measured.effect.verdict,
            **answers,
        )
        verification.outcome = (
            cls.Outcome.WENT_AWAY if verification.went_away() else cls.Outcome.REOPENED
        )
        verification.save()
        if verification.outcome == cls.Outcome.REOPENED:
            Reopening.objects.create(
                hot_issue=issue,
                verification=verification,
                into_cycle=next_cycle(today),
            )
        Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.VERIFIED)
        return verification

    def went_away(self) -> bool:
        """New voices clearly fell, and those who answered are satisfied enough (or none
        answered). Anything else — no clear effect, a rise, too little data to tell, or
        dissatisfied people — carries the issue into the next cycle."""
        return not self.reasons()


class Reopening(models.Model):
    """A hot issue that did not go away, carried into the next cycle with its history."""

    hot_issue = models.ForeignKey(
        HotIssue, models.CASCADE, related_name="reopenings", verbose_name=_("hot issue")
    )
    verification = models.OneToOneField(
        Verification, models.CASCADE, related_name="reopening", verbose_name=_("verification")
    )
    into_cycle = models.DateField(_("carried into the cycle of"), db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reopened issue")
        verbose_name_plural = _("reopened issues")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.hot_issue} → {self.into_cycle:%Y-%m}"

    @property
    def decision(self) -> Decision:
        return self.verification.decision

    def reasons(self) -> list[str]:
        """Why it did not go away, in the reader's language (see
        :meth:`Verification.reasons`)."""
        return self.verification.reasons()


def can_verify(user) -> bool:
    return user.is_active and user.has_perm("cycles.add_verification")


def check_can_verify(user, decision: Decision) -> None:
    """Raise unless ``user`` may verify decisions and open this decision's hot issue."""
    if not can_verify(user):
        raise ValidationError(_("You may not verify decisions."), code="permission")
    if not HotIssue.objects.visible_to(user).filter(pk=decision.opinion.hot_issue_id).exists():
        raise ValidationError(_("This decision is not yours to verify."), code="permission")


def not_due(decision: Decision, today: date) -> list[Commitment]:
    """The decision's commitments still running before their deadline (done or dropped
    ones are due whenever they ended)."""
    ended = (Commitment.Status.DONE, Commitment.Status.DROPPED)
    return list(decision.commitments.exclude(status__in=ended).filter(deadline__gt=today))


def next_cycle(day: date) -> date:
    """The first day of the month after ``day``'s."""
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)
