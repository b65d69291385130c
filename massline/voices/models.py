"""A voice (诉求/意见): one thing one person said to government, by any channel."""

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from massline.lib.personal import (
    EncryptedTextField,
    blind_index,
    mask_address,
    mask_email,
    mask_name,
    mask_phone,
    normalise_phone,
)
from massline.org import roles
from massline.org.models import Area, Category, Department

# Crockford base32 without 0/O, 1/I/L, U: read aloud over a phone line without confusion.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_tracking_code() -> str:
    """A random code like ``K7QX-9M2A-TP`` (10 symbols, about 49 bits): unguessable, speakable."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def person_key(phone: str = "", name: str = "", source: str = "") -> str:
    """Who raised a voice, as a blind index: the phone if known, else the name within a source.

    Two voices with the same key come from the same person (a repeat caller).
    """
    if digits := normalise_phone(phone):
        return blind_index("phone", digits)
    if name := name.strip():
        return blind_index("name", f"{source}:{name}")
    return ""


#: Sent when voices were written in bulk (which sends no post_save), with the ``moments``
#: they were received at: whatever keeps counts of voices by time counts again.
voices_written = Signal()

#: A voice repeats an earlier one of the same person in the same category this recently.
REPEAT_WITHIN = timedelta(days=30)
#: The fields a voice's ``repeats`` depends on (with those of the person's other voices).
REPEAT_FIELDS = {"phone", "name", "source", "category", "received_at"}


def mark_repeats(keys: Iterable[str] | None = None, voices: models.QuerySet | None = None) -> int:
    """Set ``Voice.repeats`` on every voice of the people with these ``person_key`` values
    (of everybody when None): a voice repeats when the same person raised one of the same
    category in the :data:`REPEAT_WITHIN` before it. Anonymous voices and voices without a
    category never repeat. Returns how many voices changed.

    ``voices`` is where to look (a migration passes its historical model's); by default
    every voice. A person has few voices, so they are read in order and compared here,
    once, when a voice is saved or imported: the figures then only count the flag.
    """
    voices = (Voice.objects.all() if voices is None else voices).exclude(person_key="")
    keys = None if keys is None else sorted(set(keys) - {""})
    chunks = [None] if keys is None else [keys[i : i + 500] for i in range(0, len(keys), 500)]
    changed = 0
    for chunk in chunks:
        rows = voices if chunk is None else voices.filter(person_key__in=chunk)
        rows = rows.order_by("person_key", "category_id", "received_at", "id")
        flips, moments = {True: [], False: []}, []
        group = previous = earlier = None
        for pk, key, category, received, was in rows.values_list(
            "pk", "person_key", "category_id", "received_at", "repeats"
        ).iterator(chunk_size=5000):
            if (key, category) != group:
                group, previous, earlier = (key, category), None, None
            if previous is not None and received > previous:
                earlier = previous  # the latest voice strictly before this one
            repeats = bool(category and earlier and received - earlier <= REPEAT_WITHIN)
            if repeats != was:
                flips[repeats].append(pk)
                moments.append(received)
            previous = received
        for repeats, pks in flips.items():
            for i in range(0, len(pks), 500):
                changed += voices.filter(pk__in=pks[i : i + 500]).update(repeats=repeats)
        voices_written.send(Voice, moments=moments)
    return changed


class VoiceQuerySet(models.QuerySet):
    def visible_to(self, user) -> "VoiceQuerySet":
        """The voices ``user`` may open: handlers their department's, leaders their area's."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self
        role = roles.role_of(user)
        staff = getattr(user, "staff", None)
        if role in (roles.OPERATOR, roles.ADMINISTRATOR, roles.AUDITOR):
            return self
        if role == roles.LEADER:
            if staff is None or (staff.area is None and staff.department is None):
                return self
            scope = Q(pk__in=[])
            if staff.area:
                scope |= Q(area__path__startswith=staff.area.path)
            if staff.department:
                scope |= Q(department=staff.department)
            return self.filter(scope)
        if role == roles.HANDLER and staff and staff.department_id:
            return self.filter(department_id=staff.department_id)
        return self.none()

    def of_person(self, phone: str) -> "VoiceQuerySet":
        """Earlier voices of the caller with this phone number."""
        key = person_key(phone=phone)
        return self.filter(person_key=key) if key else self.none()


class Voice(models.Model):
    class Channel(models.TextChoices):
        HOTLINE = "hotline", _("12345 hotline")
        WEB = "web", _("Web form")
        MOBILE = "mobile", _("Mobile")
        LETTER = "letter", _("Letter (来信)")
        VISIT = "visit", _("Visit (来访)")
        FIELD_VISIT = "field_visit", _("Field visit (走访)")
        REPRESENTATIVE = "representative", _("Representative's report (社情民意)")
        SURVEY = "survey", _("Survey")
        EMAIL = "email", _("Email")
        IMPORT = "import", _("Import")

    class Kind(models.TextChoices):
        COMPLAINT = "complaint", _("Complaint (投诉)")
        HELP = "help", _("Request for help (求助)")
        CONSULTATION = "consultation", _("Consultation (咨询)")
        SUGGESTION = "suggestion", _("Suggestion (建议)")
        REPORT = "report", _("Report of wrongdoing (举报)")
        PRAISE = "praise", _("Praise (表扬)")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received (已受理)")
        IN_PROGRESS = "in_progress", _("Being handled (办理中)")
        REPLIED = "replied", _("Replied (已答复)")
        CLOSED = "closed", _("Closed (已办结)")

    tracking_code = models.CharField(
        _("tracking code"), max_length=12, unique=True, default=new_tracking_code, editable=False
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("what the person said"))
    happened_at = models.DateTimeField(_("happened at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), default=timezone.now, db_index=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    area = models.ForeignKey(
        Area, models.PROTECT, null=True, blank=True, related_name="voices", verbose_name=_("area")
    )
    category = models.ForeignKey(
        Category,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="voices",
        verbose_name=_("category"),
    )
    department = models.ForeignKey(
        Department,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="voices",
        verbose_name=_("responsible department"),
    )

    # The person. Encrypted at rest; see massline.lib.personal.
    name = EncryptedTextField(_("person's name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    # Where the person is told of the reply and asked for their verdict, besides SMS.
    email = EncryptedTextField(_("email"), blank=True)
    address = EncryptedTextField(_("address"), blank=True)
    person_key = models.CharField(max_length=32, blank=True, db_index=True, editable=False)
    # The same person raised a voice of the same category shortly before (see mark_repeats):
    # kept up to date when voices are saved or imported, counted by the repeat-voice rate.
    repeats = models.BooleanField(_("repeats an earlier voice"), default=False, editable=False)
    consent_to_publish = models.BooleanField(_("agrees to publication"), default=False)
    # Whether the person may be told what is decided about the problem they raised (and
    # asked whether it addresses it), beyond the reply to their own voice.
    consent_to_follow_up = models.BooleanField(_("agrees to be told of decisions"), default=False)

    # Endorsements, where the channel has them (a message board's likes and dislikes).
    likes = models.PositiveIntegerField(_("likes"), default=0)
    dislikes = models.PositiveIntegerField(_("dislikes"), default=0)

    # Imports and other systems: where the voice came from, under which id, and any
    # columns of the source row that have no field here (e.g. an official reply).
    source = models.CharField(_("source system"), max_length=100, blank=True)
    external_id = models.CharField(_("id in the source system"), max_length=100, blank=True)
    extra = models.JSONField(_("other source columns"), default=dict, blank=True)
    import_batch = models.ForeignKey(
        "ImportBatch", models.SET_NULL, null=True, blank=True, related_name="voices", editable=False
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("entered by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = VoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("voice")
        verbose_name_plural = _("voices")
        ordering = ["-received_at", "-id"]
        permissions = [
            ("reveal_person", _("Can reveal a person's name, phone and address")),
            ("import_voices", _("Can import voices from files")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~Q(external_id=""),
                name="voice_unique_external_id",
            )
        ]
        # The repeat-voice rate counts from these, filtered by their first fields.
        indexes = [
            models.Index(fields=["area", "received_at", "department", "category", "repeats"]),
            models.Index(fields=["category", "received_at", "department", "area", "repeats"]),
            models.Index(fields=["department", "received_at", "area", "category", "repeats"]),
            models.Index(fields=["received_at", "department", "area", "category", "repeats"]),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject}"

    def save(self, *args, **kwargs):
        self.person_key = person_key(self.phone, self.name, self.source)
        fields = kwargs.get("update_fields")
        recount = fields is None or bool(REPEAT_FIELDS.intersection(fields))
        if self._state.adding and self.category_id is None:
            recount = False  # without a category it neither repeats nor is repeated
        keys = {self.person_key}
        if recount and not self._state.adding:  # a changed phone: the old person's voices too
            keys.update(Voice.objects.filter(pk=self.pk).values_list("person_key", flat=True))
        super().save(*args, **kwargs)
        if recount:
            mark_repeats(keys)

    @property
    def anonymous(self) -> bool:
        return not (self.name or self.phone or self.address or self.email)

    @property
    def masked_name(self) -> str:
        return mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return mask_phone(normalise_phone(self.phone))

    @property
    def masked_address(self) -> str:
        return mask_address(self.address)

    @property
    def masked_email(self) -> str:
        return mask_email(self.email)

    def phone_ends_with(self, last4: str) -> bool:
        """The status page's check: the last four digits of the phone given at submission."""
        digits = normalise_phone(self.phone)
        return len(last4) == 4 and len(digits) >= 4 and secrets.compare_digest(digits[-4:], last4)

    def reveal(self, user, purpose: str, ip: str | None = None) -> dict[str, str]:
        """The clear personal data, after logging who asked and why.

        Callers check ``can_reveal`` first; the log entry is written either way.
        """
        PersonalDataAccess.objects.create(
            user=user, voice=self, action=PersonalDataAccess.Action.REVEAL, purpose=purpose, ip=ip
        )
        return {
            "name": self.name,
            "phone": self.phone,
            "address": self.address,
            "email": self.email,
        }

    def correct_category(self, user, category: Category) -> "CategoryCorrection":
        """Set the right category and keep the correction (it trains the classifier)."""
        if category.pk == self.category_id:
            raise ValidationError(_("The voice already has this category."), code="same")
        correction = CategoryCorrection.objects.create(
            voice=self, old_id=self.category_id, new=category, user=user
        )
        self.category = category
        self.save(update_fields=["category"])
        return correction

    def can_reveal(self, user) -> bool:
        return (
            user.has_perm("voices.reveal_person")
            and Voice.objects.visible_to(user).filter(pk=self.pk).exists()
        )


class CategoryCorrection(models.Model):
    """A person set a voice's category right: kept, and used to train the classifier
    (see ``massline.voices.training``)."""

    voice = models.ForeignKey(Voice, models.CASCADE, related_name="category_corrections")
    old = models.ForeignKey(
        Category, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("was")
    )
    new = models.ForeignKey(Category, models.PROTECT, related_name="+", verbose_name=_("now"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("category correction")
        verbose_name_plural = _("category corrections")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.voice_id}: {self.old_id} → {self.new_id}"


def attachment_path(instance: "Attachment", filename: str) -> str:
    # Random names: an attachment's URL must not reveal or guess anything.
    return f"attachments/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class Attachment(models.Model):
    """A photo or PDF given with a voice; content type checked by its bytes, not its name."""

    voice = models.ForeignKey(Voice, models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.original_name


class PersonalDataAccess(models.Model):
    """Every time someone saw a person's clear data, or searched by it."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("Revealed name, phone and address")
        LOOKUP = "lookup", _("Searched voices by phone")
        EXPORT = "export", _("Exported personal data")
        ATTACHMENT = "attachment", _("Opened an attachment")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+")
    voice = models.ForeignKey(Voice, models.CASCADE, null=True, blank=True, related_name="accesses")
    action = models.CharField(max_length=20, choices=Action.choices)
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("personal data access")
        verbose_name_plural = _("personal data accesses")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.user} {self.action}"


class ImportBatch(models.Model):
    """One import of a file: its progress while it runs, and its outcome and errors after."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to start")
        VALIDATING = "validating", _("Checking rows")
        SAVING = "saving", _("Saving")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed: nothing was imported")

    file = models.FileField(upload_to="imports/%Y/%m/")
    original_name = models.CharField(max_length=200)
    source = models.CharField(max_length=100)
    channel = models.CharField(
        max_length=20, choices=Voice.Channel.choices, default=Voice.Channel.IMPORT
    )
    mapping = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    total_rows = models.PositiveIntegerField(default=0)
    checked_rows = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    existing_count = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_status_display()})"


class ApiToken(models.Model):
    """A bearer token for another system; it acts with its user's permissions."""

    name = models.CharField(_("system"), max_length=100)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="api_tokens")
    prefix = models.CharField(max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, name: str, user) -> tuple["ApiToken", str]:
        """Create a token; the clear token is returned once and never stored."""
        token = "ml_" + secrets.token_urlsafe(32)
        return cls.objects.create(
            name=name, user=user, prefix=token[:8], digest=cls.digest_of(token)
        ), token


class RateWindow(models.Model):
    """How many requests one client made to one public endpoint in one time window.

    See ``massline.voices.ratelimit``: counted with one atomic upsert per request.
    """

    bucket = models.CharField(max_length=200, primary_key=True)
    hits = models.PositiveIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.bucket}: {self.hits}"
