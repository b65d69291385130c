"""Decisions (决策): from a hot issue to what the government will do, and promises kept.

A hot issue becomes a concentrated opinion (集中意见), drafted from the engine's evidence and
edited by people; the opinion leads to a decision (决定) with commitments (承诺), each with an
owner, a unit, a deadline, a budget, milestones and a history of every change of progress.
A year's livelihood projects (民生实事) are commitments too, grouped in a programme by category,
so both are tracked, rolled up and published the same way. People who raised the issue are
told of the decision (:class:`Notice`) and asked whether it addresses their problem.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.hotissues.models import HotIssue
from massline.org.models import Department
from massline.voices.models import Voice


class Opinion(models.Model):
    """A concentrated opinion (集中意见): what many people said about one problem, with evidence."""

    hot_issue = models.ForeignKey(
        HotIssue, models.PROTECT, related_name="opinions", verbose_name=_("hot issue")
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"))
    agreement = models.TextField(_("where people agree"), blank=True)
    minority = models.TextField(_("where a minority sees it differently"), blank=True)
    # The hot issue's figures when the opinion was drafted (people, voices, places, time
    # range, trend, keywords): the evidence stays what it was, though the issue grows.
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    representative_voices = models.ManyToManyField(
        Voice, blank=True, related_name="+", verbose_name=_("representative voices")
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("concentrated opinion")
        verbose_name_plural = _("concentrated opinions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Decision(models.Model):
    """What the government will do about a concentrated opinion, told in plain language."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        VERIFIED = "verified", _("Verified")

    opinion = models.ForeignKey(
        Opinion, models.PROTECT, related_name="decisions", verbose_name=_("opinion")
    )
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("what will be done, in plain language"))
    unit = models.ForeignKey(
        Department, models.PROTECT, related_name="decisions", verbose_name=_("responsible unit")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    decided_on = models.DateField(_("decided on"), default=timezone.localdate)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["-decided_on", "-id"]

    def __str__(self) -> str:
        return self.title

    @property
    def hot_issue(self) -> HotIssue:
        return self.opinion.hot_issue


class Programme(models.Model):
    """A portfolio of livelihood projects (民生实事), e.g. "2026年民生实事 22类80项"."""

    title = models.CharField(_("title"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    description = models.TextField(_("description"), blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("livelihood programme")
        verbose_name_plural = _("livelihood programmes")
        ordering = ["-year", "title"]

    def __str__(self) -> str:
        return self.title


class Commitment(models.Model):
    """A promise (承诺) with an owner, a unit and a deadline: part of a decision, or one
    livelihood project of a programme. A commitment with children is their sum."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Not started (未开始)")
        ON_TRACK = "on_track", _("On track (推进中)")
        DELAYED = "delayed", _("Delayed (滞后)")
        DONE = "done", _("Done (已完成)")
        DROPPED = "dropped", _("Dropped (已取消)")

    decision = models.ForeignKey(
        Decision,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="commitments",
        verbose_name=_("decision"),
    )
    programme = models.ForeignKey(
        Programme,
        models.CASCADE,
        null=True,
        blank=True,
        related_name="projects",
        verbose_name=_("livelihood programme"),
    )
    # A livelihood project's category in its programme (教育, 医疗, 养老 …).
    category = models.CharField(_("category"), max_length=50, blank=True)
    parent = models.ForeignKey(
        "self",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    title = models.CharField(_("what is promised"), max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="commitments",
        verbose_name=_("owner"),
    )
    unit = models.ForeignKey(
        Department, models.PROTECT, related_name="commitments", verbose_name=_("unit")
    )
    deadline = models.DateField(_("deadline"))
    budget = models.DecimalField(
        _("budget (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    progress = models.PositiveSmallIntegerField(
        _("progress %"), default=0, validators=[MaxValueValidator(100)]
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLANNED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["deadline", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__isnull=False) | Q(programme__isnull=False),
                name="commitment_of_decision_or_programme",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="commitment_progress_le_100"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.decision_id is None and self.programme_id is None:
            raise ValidationError(_("A commitment belongs to a decision or a programme."))


class CommitmentUpdate(models.Model):
    """One change of a commitment's progress or status (its history; never edited)."""

    commitment = models.ForeignKey(Commitment, models.CASCADE, related_name="updates")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+")
    progress = models.PositiveSmallIntegerField(_("progress %"))
    status = models.CharField(_("status"), max_length=10, choices=Commitment.Status.choices)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("commitment update")
        verbose_name_plural = _("commitment updates")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.progress}%"


class Milestone(models.Model):
    """A step of a commitment with its own date (立项, 开工, 完工 …)."""

    commitment = models.ForeignKey(Commitment, models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title


def new_notice_token() -> str:
    return secrets.token_urlsafe(24)


class Notice(models.Model):
    """One person told of a decision about the issue they raised, and their answer:
    does this address your problem?"""

    class Answer(models.TextChoices):
        YES = "yes", _("Yes, it addresses my problem")
        PARTLY = "partly", _("Partly")
        NO = "no", _("No")

    decision = models.ForeignKey(Decision, models.CASCADE, related_name="notices")
    voice = models.ForeignKey(Voice, models.CASCADE, related_name="notices")
    token = models.CharField(max_length=40, unique=True, default=new_notice_token, editable=False)
    notification = models.ForeignKey(
        "notifications.Notification", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answer = models.CharField(_("answer"), max_length=6, choices=Answer.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.UniqueConstraint(fields=["decision", "voice"], name="notice_once_per_voice")
        ]

    def __str__(self) -> str:
        return f"{self.decision} → {self.voice.tracking_code}"
