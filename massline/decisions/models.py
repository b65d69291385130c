"""Decisions (决策): from a hot issue to what the government will do, and promises kept.

A hot issue becomes a concentrated opinion (集中意见), drafted from the engine's evidence and
edited by people; the opinion leads to a decision (决定) with commitments (承诺), each with an
owner, a unit, a deadline, a budget, milestones and a history of every change of progress.
A year's livelihood projects (民生实事) are commitments too, grouped in a programme by category,
so both are tracked, rolled up and published the same way. People who raised the issue are
told of the decision (:class:`Notice`) and asked whether it addresses their problem.
"""

import re
import secrets
from collections import Counter
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from massline.hotissues.models import HotIssue, IssueAction, Membership
from massline.lib.personal import mask_phone
from massline.notifications.tasks import ensure_deadlines_checked
from massline.org import roles
from massline.org.models import Department
from massline.voices.models import Voice

#: Representative voices an opinion quotes when the engine marked none (a split-off issue).
REPRESENTATIVES = 5
#: Places listed in an opinion's evidence, most voices first.
PLACES_KEPT = 10
#: Minority voices quoted in the drafted text.
MINORITY_QUOTED = 5
#: Digit runs this long in a voice's text are phone or id numbers, masked when quoted.
_LONG_NUMBER = re.compile(r"\d{7,}")


def masked_text(text: str) -> str:
    """A voice's words with phone and id numbers masked (138****5678), for quoting."""
    return _LONG_NUMBER.sub(lambda m: mask_phone(m.group()), text)


def can_decide(user) -> bool:
    """Whether ``user`` may draft opinions and record decisions (operators, leaders, admins)."""
    return user.has_perm("decisions.add_decision")


def check_can_decide(user, issue: HotIssue) -> None:
    """Raise unless ``user`` may decide, on this hot issue (one with voices they may see)."""
    if not can_decide(user):
        raise ValidationError(_("You may not draft opinions or decide."), code="permission")
    if not HotIssue.objects.visible_to(user).filter(pk=issue.pk).exists():
        raise ValidationError(_("This hot issue is not yours to act on."), code="permission")


def stance(kind: str) -> str:
    """What a voice does about the problem: praises, suggests, or raises it (a complaint,
    a request for help, a report or a question all raise it)."""
    return kind if kind in (Voice.Kind.PRAISE, Voice.Kind.SUGGESTION) else "problem"


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

    @classmethod
    @transaction.atomic
    def draft(cls, hot_issue: HotIssue, user) -> "Opinion":
        """Draft (and save) an opinion from a hot issue, for people to edit.

        What it takes, plainly:

        - the title and the summary are the issue's;
        - the representative voices are the ones the engine marked (the hot-issue page
          lists them first), else the first voices of different people;
        - the evidence is the issue's figures now: people, voices, place (anchor) and the
          places people named, first and last voice, voices per day, keywords, category,
          area, and the kinds of voice;
        - **agreement**: the issue's keywords that at least half of the people used (in a
          voice's subject or text), each with how many people used it — at least the most
          used one;
        - **minority**: the voices that see it differently — one that does something else
          than most (see :func:`stance`: a suggestion or praise among complaints), or one
          that uses none of the issue's keywords (its words are far from the issue's);
          quoted by subject.

        Only voices ``user`` may see are read and quoted. Raises ValidationError when the
        user may not decide or may not see the issue.
        """
        check_can_decide(user, hot_issue)
        if not hot_issue.live:
            raise ValidationError(
                _("This issue was merged into another; concentrate that one."), code="merged"
            )
        members = list(
            Membership.objects.filter(issue=hot_issue, voice__in=Voice.objects.visible_to(user))
            .select_related("voice")
            .order_by("-representative", "voice__received_at", "voice_id")
        )
        voices = [m.voice for m in members]
        drafted = _agreement_and_minority(hot_issue.keywords, voices)
        opinion = cls.objects.create(
            hot_issue=hot_issue,
            title=hot_issue.title,
            summary=hot_issue.summary or hot_issue.title,
            agreement=drafted["agreement"],
            minority=drafted["minority"],
            evidence={**_figures(hot_issue, voices), "minority_voices": drafted["voices"]},
            drafted_by=user,
        )
        opinion.representative_voices.set(_representatives(members))
        hot_issue.log(user, IssueAction.Action.CONCENTRATE, opinion=opinion.pk)
        return opinion

    @property
    def minority_voices(self) -> models.QuerySet[Voice]:
        return Voice.objects.filter(pk__in=self.evidence.get("minority_voices", []))

    def kinds(self) -> list[tuple[str, int]]:
        """The kinds of voice in the evidence, by their names, most first."""
        return [(Voice.Kind(kind).label, n) for kind, n in self.evidence.get("kinds", [])]

    def timeline(self) -> dict:
        """The voices per day as they were when drafted, as bars like the hot-issue page's."""
        return HotIssue(trend=self.evidence.get("trend", [])).timeline()

    @transaction.atomic
    def decide(self, user, *, title: str, text: str, unit: Department, commitments) -> "Decision":
        """Record the decision on this opinion with its commitments, each a dict of title,
        owner, unit, deadline, budget and milestones (a list of (date, title)); each
        commitment's history starts with its promise."""
        check_can_decide(user, self.hot_issue)
        if not commitments:
            raise ValidationError(_("A decision needs at least one commitment."), code="empty")
        decision = Decision.objects.create(
            opinion=self, title=title, text=text, unit=unit, decided_by=user
        )
        for promise in commitments:
            Commitment.promise(user, decision=decision, **promise)
        return decision


def _who(voice: Voice) -> str:
    return voice.person_key or f"voice:{voice.pk}"


def _representatives(members: list[Membership]) -> list[Voice]:
    marked = [m.voice for m in members if m.representative]
    if marked:
        return marked
    chosen, seen = [], set()
    for m in members:
        if _who(m.voice) not in seen and len(chosen) < REPRESENTATIVES:
            seen.add(_who(m.voice))
            chosen.append(m.voice)
    return chosen


def _figures(issue: HotIssue, voices: list[Voice]) -> dict:
    return {
        "hot_issue": issue.pk,
        "people": issue.people,
        "voices": issue.voice_count,
        "anchor": issue.anchor,
        "place": issue.place,
        "start": timezone.localdate(issue.start).isoformat(),
        "end": timezone.localdate(issue.end).isoformat(),
        "trend": list(issue.trend),
        "keywords": list(issue.keywords),
        "category": issue.category.full_name if issue.category else "",
        "area": issue.area.full_name if issue.area else "",
        "places": Counter(v.place for v in voices if v.place).most_common(PLACES_KEPT),
        "kinds": Counter(v.kind for v in voices if v.kind).most_common(),
        "heat": round(issue.heat, 1),
        "why": issue.why,
    }


def _agreement_and_minority(keywords: list[str], voices: list[Voice]) -> dict:
    """The drafted agreement and minority texts and the minority's voice ids (see draft)."""
    people = {_who(v) for v in voices}
    users_of = {
        word: {_who(v) for v in voices if word in f"{v.subject} {v.body}"} for word in keywords
    }
    ranked = sorted(
        (w for w in keywords if users_of[w]), key=lambda w: (-len(users_of[w]), keywords.index(w))
    )
    shared = [w for w in ranked if 2 * len(users_of[w]) >= len(people)] or ranked[:1]
    agreement = "；".join(
        gettext("%(n)s of %(people)s people mention “%(word)s”")
        % {"n": len(users_of[w]), "people": len(people), "word": w}
        for w in shared
    )
    stances = Counter(stance(v.kind) for v in voices if v.kind)
    usual = stances.most_common(1)[0][0] if stances else ""
    minority, reasons = [], []
    for v in voices:
        other_kind = bool(v.kind) and stance(v.kind) != usual
        off_topic = not any(w in f"{v.subject} {v.body}" for w in keywords)
        if other_kind or off_topic:
            minority.append(v)
            reason = v.get_kind_display() if other_kind else gettext("other words")
            reasons.append(f"“{masked_text(v.subject)}”（{reason}）")
    text = ""
    if minority:
        text = ngettext(
            "%(n)s voice sees it differently: %(quoted)s",
            "%(n)s voices see it differently: %(quoted)s",
            len(minority),
        ) % {"n": len(minority), "quoted": "；".join(reasons[:MINORITY_QUOTED])}
    return {"agreement": agreement, "minority": text, "voices": [v.pk for v in minority]}


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
        permissions = [("publish_decision", _("Can publish a decision and tell the people"))]

    def __str__(self) -> str:
        return self.title

    @property
    def hot_issue(self) -> HotIssue:
        return self.opinion.hot_issue

    @property
    def progress(self) -> int:
        """Its commitments' progress rolled up like a parent's (see :func:`rolled_up`)."""
        return rolled_up(self.commitments.filter(parent=None))


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
        permissions = [("import_projects", _("Can import livelihood projects from files"))]

    def __str__(self) -> str:
        return self.title

    def figures(self, today: date | None = None) -> list[dict]:
        """Per category, in the order categories first appear (then the whole programme as
        the last row, category ""): projects, done, overdue, budget total (yuan) and mean
        progress %. Counts the projects themselves, not their parts."""
        today = today or timezone.localdate()
        projects = list(self.projects.filter(parent=None).order_by("id"))
        groups: dict[str, list[Commitment]] = {}
        for project in projects:
            groups.setdefault(project.category, []).append(project)
        rows = [_category_row(category, group, today) for category, group in groups.items()]
        return [*rows, _category_row("", projects, today)]


def _category_row(category: str, projects: list["Commitment"], today: date) -> dict:
    return {
        "category": category,
        "projects": len(projects),
        "done": sum(p.status == Commitment.Status.DONE for p in projects),
        "overdue": sum(p.overdue_on(today) for p in projects),
        "budget": sum((p.budget or Decimal(0) for p in projects), Decimal(0)),
        "progress": round(sum(p.progress for p in projects) / len(projects)) if projects else 0,
    }


class CommitmentQuerySet(models.QuerySet):
    def open(self) -> "CommitmentQuerySet":
        """Neither done nor dropped."""
        return self.exclude(status__in=[Commitment.Status.DONE, Commitment.Status.DROPPED])

    def overdue(self, today: date | None = None) -> "CommitmentQuerySet":
        """Past their deadline and still open."""
        return self.open().filter(deadline__lt=today or timezone.localdate())

    def kept(self) -> "CommitmentQuerySet":
        """Done by their deadline."""
        return self.filter(status=Commitment.Status.DONE, done_on__lte=models.F("deadline"))

    def updatable_by(self, user) -> "CommitmentQuerySet":
        """Those whose progress ``user`` may record: a handler only their department's."""
        if not user.is_active or not user.has_perm("decisions.update_progress"):
            return self.none()
        if user.is_superuser or roles.role_of(user) != roles.HANDLER:
            return self
        staff = getattr(user, "staff", None)
        return self.filter(unit_id=staff.department_id) if staff else self.none()


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
    # The day it was first recorded done: kept when that is not after the deadline.
    done_on = models.DateField(_("done on"), null=True, blank=True)
    # When its owner was reminded of the deadline, and when it was found overdue (each
    # once: see massline.decisions.deadlines).
    reminded_on = models.DateField(_("reminded on"), null=True, blank=True)
    overdue_since = models.DateField(_("found overdue on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["deadline", "id"]
        permissions = [("update_progress", _("Can record the progress of a commitment"))]
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

    # ---- figures --------------------------------------------------------------------

    def overdue_on(self, today: date) -> bool:
        return self.deadline < today and self.status not in (self.Status.DONE, self.Status.DROPPED)

    @property
    def is_overdue(self) -> bool:
        """Past its deadline and neither done nor dropped."""
        return self.overdue_on(timezone.localdate())

    @property
    def kept(self) -> bool:
        """Done by its deadline."""
        return (
            self.status == self.Status.DONE
            and self.done_on is not None
            and self.done_on <= self.deadline
        )

    @property
    def has_parts(self) -> bool:
        return self.children.exists()

    # ---- promising, recording progress: check, write in a transaction, keep the history

    @classmethod
    def promise(
        cls, user, *, title, owner, unit, deadline, budget=None, milestones=(), **of
    ) -> "Commitment":
        """A new commitment ``of`` a decision, a programme or a parent, with its milestones
        ((date, title) pairs); its history starts with the promise."""
        commitment = cls.objects.create(
            title=title, owner=owner, unit=unit, deadline=deadline, budget=budget, **of
        )
        Milestone.objects.bulk_create(
            Milestone(commitment=commitment, due_on=day, title=name) for day, name in milestones
        )
        commitment.updates.create(
            by=user, progress=0, status=commitment.status, note=gettext("Committed.")
        )
        ensure_deadlines_checked()  # its owner is reminded, and told if it runs late
        return commitment

    @transaction.atomic
    def add_part(self, user, **promise) -> "Commitment":
        """Split off a part of this commitment (same decision or programme and category);
        from then on its progress is its parts' roll-up."""
        if not can_decide(user):
            raise ValidationError(_("You may not draft opinions or decide."), code="permission")
        part = Commitment.promise(
            user,
            decision=self.decision,
            programme=self.programme,
            category=self.category,
            parent=self,
            **promise,
        )
        Commitment.objects.select_for_update().get(pk=self.pk).roll_up(user)
        return part

    # ---- recording progress

    def can_update(self, user) -> bool:
        """Whether ``user`` may record progress here (a handler: their department's only)."""
        return Commitment.objects.updatable_by(user).filter(pk=self.pk).exists()

    @transaction.atomic
    def record(
        self, user, progress: int, status: str, note: str = "", reached=()
    ) -> "CommitmentUpdate":
        """Record progress % and status with a note, keep it in the history, and roll the
        change up into the parents; ``reached`` milestones are done today. A commitment
        with parts is their roll-up: update the parts instead. Done means 100 %."""
        if not self.can_update(user):
            raise ValidationError(
                _("You may not record the progress of this commitment."), code="permission"
            )
        if self.has_parts:
            raise ValidationError(
                _("Its progress is the roll-up of its parts: update those."), code="parts"
            )
        if not isinstance(progress, int) or not 0 <= progress <= 100:
            raise ValidationError(_("Progress is a whole number from 0 to 100."), code="progress")
        if status not in self.Status.values:
            raise ValidationError(_("Unknown status."), code="status")
        if status == self.Status.DONE and progress != 100:
            raise ValidationError(_("A commitment that is done is at 100 %."), code="done")
        if any(m.commitment_id != self.pk for m in reached):
            raise ValidationError(_("Only this commitment's milestones."), code="milestone")
        update = self._write(user, progress, status, " ".join(note.split()))
        self.milestones.filter(pk__in=[m.pk for m in reached], done_on=None).update(
            done_on=timezone.localdate()
        )
        self._roll_up_parent(user)
        return update

    def roll_up(self, user) -> None:
        """Take progress and status from the parts; record the change, then in the parent.

        Progress: budget-weighted when every part has a budget, else the mean (dropped
        parts do not count). Status: dropped when every part is, done when every other part
        is, delayed when any is, not started when none has begun, else on track.
        """
        parts = list(self.children.all())
        progress = rolled_up(parts)
        statuses = {p.status for p in parts} - {self.Status.DROPPED} or {self.Status.DROPPED}
        if statuses <= {self.Status.DONE, self.Status.DROPPED}:
            status = statuses.pop()
        elif self.Status.DELAYED in statuses:
            status = self.Status.DELAYED
        elif statuses == {self.Status.PLANNED}:
            status = self.Status.PLANNED
        else:
            status = self.Status.ON_TRACK
        if (progress, status) != (self.progress, self.status):
            self._write(user, progress, status, gettext("Rolled up from its parts."))
            self._roll_up_parent(user)

    def _roll_up_parent(self, user) -> None:
        # The parent row locked, so parts recorded at once each see the other's progress.
        if self.parent_id:
            Commitment.objects.select_for_update().get(pk=self.parent_id).roll_up(user)

    def _write(self, user, progress: int, status: str, note: str) -> "CommitmentUpdate":
        self.progress, self.status = progress, status
        if status == self.Status.DONE and self.done_on is None:
            self.done_on = timezone.localdate()
        self.save(update_fields=["progress", "status", "done_on", "updated_at"])
        return CommitmentUpdate.objects.create(
            commitment=self, by=user, progress=progress, status=status, note=note
        )


def rolled_up(parts) -> int:
    """The progress % of several commitments as one: weighted by budget when every one
    has a budget above zero, else their mean; dropped ones do not count."""
    counted = [p for p in parts if p.status != Commitment.Status.DROPPED]
    if not counted:
        return 0
    budgets = [p.budget for p in counted]
    if all(budgets):
        weighted = sum(p.progress * p.budget for p in counted) / sum(budgets)
    else:
        weighted = Decimal(sum(p.progress for p in counted)) / len(counted)
    return int(Decimal(weighted).quantize(Decimal(1), rounding=ROUND_HALF_UP))


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
