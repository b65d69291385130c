"""Hot issues (热点问题): many people, one place, one problem, within days — and staff work on them.

The engine (``massline.engine.hotissues``) finds issues; these models keep them, so staff
decisions survive the next recomputation: a title a person wrote, a dismissal, a merge, a
split. Every staff write is one ``do_*`` method here: it checks, writes in a transaction
and logs an :class:`IssueAction` (who, when, what).
"""

import math
from collections import Counter

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.engine import hotissues as engine
from massline.org import roles
from massline.org.models import Area, Category
from massline.voices.models import CategoryCorrection, Voice

#: Distinct people an issue needs to be a hot issue rather than a candidate.
MIN_PEOPLE = 3
#: Roles that see every voice (see ``VoiceQuerySet.visible_to``), hence every issue.
SEE_EVERY_VOICE = (roles.OPERATOR, roles.ADMINISTRATOR, roles.AUDITOR)
#: Problem words kept in an issue's stored terms.
TERMS_KEPT = 40


class HotIssueQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HotIssueQuerySet":
        """Issues ``user`` may open: those with at least one voice the user may see.

        Roles that see every voice see every issue, including one whose voices all moved away.
        """
        if not user.is_active or not user.has_perm("hotissues.view_hotissue"):
            return self.none()
        if user.is_superuser or roles.role_of(user) in SEE_EVERY_VOICE:
            return self
        voices = Voice.objects.visible_to(user)
        return self.filter(
            Exists(Membership.objects.filter(issue=OuterRef("pk"), voice__in=voices))
        )

    def live(self) -> "HotIssueQuerySet":
        """Not merged away: issues that still stand on their own."""
        return self.exclude(status=HotIssue.Status.MERGED)

    def chronic(self, chronic: bool = True) -> "HotIssueQuerySet":
        """Chronic issues (常发), or with ``False`` the sudden ones (突发): see
        :func:`massline.engine.hotissues.is_chronic`."""
        long_and_flat = Q(end__gte=F("start") + engine.CHRONIC, burst__lt=engine.BURST)
        return self.filter(long_and_flat if chronic else ~long_and_flat)


class HotIssue(models.Model):
    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("Candidate (fewer than 3 people)")
        OPEN = "open", _("Hot issue")
        DISMISSED = "dismissed", _("Dismissed")
        MERGED = "merged", _("Merged into another")

    title = models.CharField(_("title"), max_length=200)
    title_edited = models.BooleanField(_("title written by staff"), default=False)
    anchor = models.CharField(_("place or group"), max_length=200, db_index=True)
    keywords = models.JSONField(_("keywords"), default=list, blank=True)
    terms = models.JSONField(default=dict, blank=True, editable=False)  # word → weight
    start = models.DateTimeField(_("first voice"))
    end = models.DateTimeField(_("last voice"), db_index=True)
    heat = models.FloatField(_("heat"), default=0, db_index=True)
    people = models.PositiveIntegerField(_("people"), default=0)
    peak_people = models.PositiveIntegerField(default=0)
    voice_count = models.PositiveIntegerField(_("voices"), default=0)
    endorsements = models.IntegerField(default=0)
    burst = models.FloatField(default=0)
    severity = models.FloatField(default=0)
    why = models.CharField(_("why it is hot"), max_length=300, blank=True)
    summary = models.TextField(_("summary"), blank=True)
    # The language model that wrote the summary; "" for the engine's extractive one.
    summary_model = models.CharField(max_length=100, blank=True, editable=False)
    trend = models.JSONField(default=list, blank=True)  # [[ISO date, voices], …]
    category = models.ForeignKey(
        Category,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="hot_issues",
        verbose_name=_("category"),
    )
    area = models.ForeignKey(
        Area,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="hot_issues",
        verbose_name=_("area"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.CANDIDATE, db_index=True
    )
    dismiss_reason = models.CharField(_("reason for dismissing"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    voices = models.ManyToManyField(Voice, through="Membership", related_name="hot_issues")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HotIssueQuerySet.as_manager()

    class Meta:
        verbose_name = _("hot issue")
        verbose_name_plural = _("hot issues")
        ordering = ["-heat", "-people", "-end"]

    def __str__(self) -> str:
        return self.title

    @property
    def place(self) -> str:
        return self.anchor.removeprefix("group:")

    @property
    def live(self) -> bool:
        return self.status != self.Status.MERGED

    @property
    def chronic(self) -> bool:
        return engine.is_chronic(self.start, self.end, self.burst)

    def touched_by_staff(self) -> bool:
        """Whether a person decided anything about it (then it is never deleted silently)."""
        return (
            self.title_edited
            or self.status in (self.Status.DISMISSED, self.Status.MERGED)
            or self.actions.exclude(user=None).exists()
            or self.memberships.filter(added_by=Membership.AddedBy.STAFF).exists()
        )

    # ---- figures --------------------------------------------------------------------

    def refresh(self, now=None) -> None:
        """Recount people, voices, time range, trend, area and heat from the members.

        The heat uses the engine's index with the burst and severity of the last
        recomputation: cheap, for after an attach, a merge or a split. Saves nothing.
        """
        members = list(
            Voice.objects.filter(hot_issues=self)
            .order_by("received_at")
            .values("id", "received_at", "person_key", "likes", "dislikes", "area_id")
        )
        if not members:
            self.people = self.peak_people = self.voice_count = self.endorsements = 0
            self.trend, self.heat = [], 0.0
            return
        who = [m["person_key"] or f"voice:{m['id']}" for m in members]
        self.people = len(set(who))
        self.voice_count = len(members)
        self.start, self.end = members[0]["received_at"], members[-1]["received_at"]
        self.endorsements = sum(m["likes"] - m["dislikes"] for m in members)
        self.peak_people = engine.peak_people([m["received_at"] for m in members], who)
        days = engine.daily([timezone.localdate(m["received_at"]) for m in members])
        self.trend = [[day.isoformat(), n] for day, n in days]
        areas = Counter(m["area_id"] for m in members if m["area_id"])
        self.area_id = areas.most_common(1)[0][0] if areas else None
        days_since = ((now or timezone.now()) - self.end).total_seconds() / 86400
        self.heat = engine.heat(
            self.peak_people,
            self.people,
            self.voice_count,
            self.endorsements,
            self.burst,
            self.severity,
            days_since,
        )
        if self.status == self.Status.CANDIDATE and self.people >= MIN_PEOPLE:
            self.status = self.Status.OPEN

    def sparkline(self, width: int = 120, height: int = 24) -> str:
        """The trend as SVG polyline points ("x,y x,y …"), for an inline sparkline."""
        counts = [n for _, n in self.trend] or [0]
        if len(counts) == 1:
            counts = counts * 2
        top = max(counts) or 1
        step = width / (len(counts) - 1)
        return " ".join(
            f"{i * step:.1f},{height - 1 - (height - 2) * n / top:.1f}"
            for i, n in enumerate(counts)
        )

    def timeline(self, width: int = 720, height: int = 160) -> dict:
        """Bars of voices per day for an inline SVG chart, with the scale's maximum."""
        days = self.trend or []
        top = max((n for _, n in days), default=0) or 1
        slot = width / max(len(days), 1)
        bars = []
        for i, (day, n) in enumerate(days):
            h = (height - 20) * n / top
            bars.append(
                {
                    "x": round(i * slot + slot * 0.1, 1),
                    "y": round(height - 16 - h, 1),
                    "w": round(max(slot * 0.8, 1), 1),
                    "h": round(h, 1),
                    "day": day,
                    "n": n,
                }
            )
        return {"bars": bars, "width": width, "height": height, "top": top}

    # ---- staff actions: check, write in a transaction, log --------------------------

    def check_can_act(self, user) -> None:
        if not user.has_perm("hotissues.change_hotissue"):
            raise ValidationError(_("You may not change hot issues."), code="permission")
        if not HotIssue.objects.visible_to(user).filter(pk=self.pk).exists():
            raise ValidationError(_("This hot issue is not yours to change."), code="permission")

    def _check_live(self) -> None:
        if self.status == self.Status.MERGED:
            raise ValidationError(
                _("This issue was merged into another; change that one instead."), code="merged"
            )

    def log(self, user, action: str, **details) -> "IssueAction":
        return IssueAction.objects.create(issue=self, user=user, action=action, details=details)

    @transaction.atomic
    def do_rename(self, user, title: str) -> None:
        """Give the issue a staff title, which recomputation keeps."""
        self.check_can_act(user)
        self._check_live()
        title = " ".join(title.split())
        if not title:
            raise ValidationError(_("The title cannot be empty."), code="empty")
        old = self.title
        self.title, self.title_edited = title, True
        self.save(update_fields=["title", "title_edited", "updated_at"])
        self.log(user, IssueAction.Action.RENAME, old=old, new=title)

    @transaction.atomic
    def do_dismiss(self, user, reason: str) -> None:
        """Not a real issue (or not one to act on): hidden from the list, kept with its reason."""
        self.check_can_act(user)
        self._check_live()
        reason = " ".join(reason.split())
        if not reason:
            raise ValidationError(_("Say why the issue is dismissed."), code="empty")
        if self.status == self.Status.DISMISSED:
            raise ValidationError(_("This issue is already dismissed."), code="dismissed")
        old = self.status
        self.status, self.dismiss_reason = self.Status.DISMISSED, reason
        self.save(update_fields=["status", "dismiss_reason", "updated_at"])
        self.log(user, IssueAction.Action.DISMISS, reason=reason, old_status=old)

    @transaction.atomic
    def do_restore(self, user) -> None:
        """Undo a dismissal."""
        self.check_can_act(user)
        if self.status != self.Status.DISMISSED:
            raise ValidationError(_("Only a dismissed issue can be restored."), code="status")
        self.status = self.Status.OPEN if self.people >= MIN_PEOPLE else self.Status.CANDIDATE
        reason, self.dismiss_reason = self.dismiss_reason, ""
        self.save(update_fields=["status", "dismiss_reason", "updated_at"])
        self.log(user, IssueAction.Action.RESTORE, reason=reason, status=self.status)

    @transaction.atomic
    def do_merge(self, user, into: "HotIssue") -> None:
        """Merge this issue into ``into``: its voices move there, it points there for good."""
        self.check_can_act(user)
        into.check_can_act(user)
        self._check_live()
        if into.pk == self.pk:
            raise ValidationError(_("An issue cannot be merged into itself."), code="self")
        if into.status in (self.Status.MERGED, self.Status.DISMISSED):
            raise ValidationError(
                _("Merge into an issue that is neither dismissed nor merged."), code="target"
            )
        moved = list(self.memberships.values_list("voice_id", flat=True))
        already = set(into.memberships.values_list("voice_id", flat=True))
        self.memberships.filter(voice_id__in=already).delete()
        self.memberships.update(issue=into)
        into.terms = _summed(into.terms, self.terms)
        into.burst, into.severity = max(into.burst, self.burst), max(into.severity, self.severity)
        into.refresh()
        into.save()
        self.status, self.merged_into = self.Status.MERGED, into
        self.refresh()
        self.save()
        self.log(user, IssueAction.Action.MERGE, into=into.pk, into_title=into.title, voices=moved)
        into.log(user, IssueAction.Action.MERGE, merged=self.pk, title=self.title, voices=moved)

    @transaction.atomic
    def do_split(self, user, voice_ids, title: str = "") -> "HotIssue":
        """Move the ticked voices to a new issue; returns it."""
        self.check_can_act(user)
        self._check_live()
        members = set(self.memberships.values_list("voice_id", flat=True))
        chosen = {int(v) for v in voice_ids}
        if not chosen:
            raise ValidationError(_("Tick the voices to split off."), code="none")
        if not chosen <= members:
            raise ValidationError(_("Only voices of this issue can be split off."), code="other")
        if chosen == members:
            raise ValidationError(
                _("Splitting off every voice leaves nothing behind; rename the issue instead."),
                code="all",
            )
        visible = set(
            Voice.objects.visible_to(user).filter(pk__in=chosen).values_list("pk", flat=True)
        )
        if visible != chosen:
            raise ValidationError(_("Only voices of this issue can be split off."), code="other")
        title = " ".join(title.split())
        first = Voice.objects.filter(pk__in=chosen).order_by("received_at").first()
        new = HotIssue(
            title=title or f"{self.place} {first.subject}".strip()[:200],
            title_edited=bool(title),
            anchor=self.anchor,
            keywords=[],
            terms=dict(self.terms),
            start=first.received_at,
            end=first.received_at,
            burst=self.burst,
            severity=self.severity,
            category=self.category,
            status=self.Status.CANDIDATE,
        )
        new.save()
        self.memberships.filter(voice_id__in=chosen).update(
            issue=new, added_by=Membership.AddedBy.STAFF, representative=False
        )
        for issue in (new, self):
            issue.refresh()
            issue.save()
        self.log(user, IssueAction.Action.SPLIT, into=new.pk, voices=sorted(chosen))
        new.log(user, IssueAction.Action.SPLIT, source=self.pk, voices=sorted(chosen))
        return new

    @transaction.atomic
    def do_recategorise(self, user, voice: Voice, category: Category) -> CategoryCorrection:
        """Correct one member voice's category (kept, and used to train the classifier)."""
        if not user.has_perm("voices.add_categorycorrection"):
            raise ValidationError(_("You may not correct categories."), code="permission")
        if not HotIssue.objects.visible_to(user).filter(pk=self.pk).exists():
            raise ValidationError(_("This hot issue is not yours to change."), code="permission")
        if not self.memberships.filter(voice=voice).exists():
            raise ValidationError(_("That voice is not part of this issue."), code="other")
        if not Voice.objects.visible_to(user).filter(pk=voice.pk).exists():
            raise ValidationError(_("That voice is not part of this issue."), code="other")
        correction = voice.correct_category(user, category)
        self.log(
            user,
            IssueAction.Action.RECATEGORISE,
            voice=voice.pk,
            old=correction.old_id,
            old_name=correction.old.full_name if correction.old else "",
            new=category.pk,
            new_name=category.full_name,
        )
        return correction


class Membership(models.Model):
    """A voice in a hot issue; added by the engine or moved there by a person."""

    class AddedBy(models.TextChoices):
        ENGINE = "engine", _("the engine")
        STAFF = "staff", _("staff")

    issue = models.ForeignKey(HotIssue, models.CASCADE, related_name="memberships")
    voice = models.ForeignKey(Voice, models.CASCADE, related_name="memberships")
    representative = models.BooleanField(_("representative"), default=False)
    added_by = models.CharField(max_length=10, choices=AddedBy.choices, default=AddedBy.ENGINE)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("voice of a hot issue")
        verbose_name_plural = _("voices of hot issues")
        constraints = [
            models.UniqueConstraint(fields=["issue", "voice"], name="membership_unique_voice")
        ]

    def __str__(self) -> str:
        return f"{self.issue_id} ← {self.voice_id}"


class IssueAction(models.Model):
    """The log of what people (and, with no user, the engine) did to a hot issue."""

    class Action(models.TextChoices):
        MERGE = "merge", _("merged")
        SPLIT = "split", _("split")
        RENAME = "rename", _("renamed")
        DISMISS = "dismiss", _("dismissed")
        RESTORE = "restore", _("restored")
        RECATEGORISE = "recategorise", _("corrected a voice's category")
        CONCENTRATE = "concentrate", _("concentrated into an opinion")

    issue = models.ForeignKey(HotIssue, models.CASCADE, related_name="actions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now, db_index=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("hot issue action")
        verbose_name_plural = _("hot issue actions")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class Recomputation(models.Model):
    """One full recomputation of the hot issues: its state for the list page, and the word
    weights it used, so attaching a new voice later weighs words the same way."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Running")
        DONE = "done", _("Finished")
        FAILED = "failed", _("Failed")

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    days = models.PositiveIntegerField(default=90)
    scheduled = models.BooleanField(default=False)  # by the hourly chain, not by a person
    run_after = models.DateTimeField(null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    voices_read = models.PositiveIntegerField(default=0)
    found = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    documents = models.PositiveIntegerField(default=0)
    idf = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("hot issue recomputation")
        verbose_name_plural = _("hot issue recomputations")
        ordering = ["-queued_at", "-id"]
        permissions = [("run_recomputation", _("Can recompute hot issues now"))]

    def __str__(self) -> str:
        return f"{self.queued_at:%Y-%m-%d %H:%M} {self.status}"

    @property
    def pending(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @classmethod
    def weights(cls) -> tuple[dict[str, float], int]:
        """The word weights of the last finished recomputation (empty before the first)."""
        last = cls.objects.filter(status=cls.Status.DONE).exclude(documents=0).first()
        return (last.idf, last.documents) if last else ({}, 0)


# ---- small helpers --------------------------------------------------------------------


def _summed(a: dict[str, float], b: dict[str, float]) -> dict[str, float]:
    summed = Counter(a)
    summed.update(b)
    return dict(summed.most_common(TERMS_KEPT))


def cosine(vector: dict[str, float], terms: dict[str, float]) -> float:
    """Cosine between a voice's unit vector and an issue's stored summed words."""
    norm = math.sqrt(sum(x * x for x in terms.values()))
    if not norm:
        return 0.0
    return sum(x * terms[t] for t, x in vector.items() if t in terms) / norm
