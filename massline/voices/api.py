"""The JSON API for other systems, mounted at /api/v1/ (docs at /api/v1/docs).

A system sends ``Authorization: Bearer <token>`` (see ``massline issue_token``) and acts
with the permissions of the token's user. There is deliberately no session
authentication: a browser's login cookie never authorises a call, so no CSRF token is
needed and none can be forged. Responses carry masked personal data only.
"""

import json
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Query, Schema, Status, Swagger
from ninja.errors import HttpError, ValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import HttpBearer
from pydantic import field_validator, model_validator

from massline.org.models import Area, Category, Department
from massline.voices.models import ApiToken, Voice

BODY_MAX_CHARS = 20_000
EXTRA_MAX_CHARS = 20_000  # the JSON text of ``extra``
CATEGORY_MAX_DEPTH = 5  # the taxonomy has three levels; a little room, but bounded
LIST_MAX_LIMIT = 500
TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)


def _max_length(model, field: str) -> int:
    return model._meta.get_field(field).max_length


class BearerToken(HttpBearer):
    """An active ApiToken of an active user; the request then acts as that user."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        if not token or len(token) > 200:
            return None
        found = (
            ApiToken.objects.select_related("user")
            .filter(digest=ApiToken.digest_of(token), is_active=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        # Recording every call would turn each read into a write; once a minute is enough.
        if found.last_used_at is None or now - found.last_used_at >= TOKEN_TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found


api = NinjaAPI(
    title="massline API",
    version="1",
    description="Voices for and from other systems. Personal data is always masked.",
    urls_namespace="api-v1",
    auth=BearerToken(),
    # validatorUrl None: Swagger UI would otherwise call validator.swagger.io.
    docs=Swagger({"validatorUrl": None}),
)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig):
    """413 rather than Django's bare 400 when a body passes DATA_UPLOAD_MAX_MEMORY_SIZE."""
    return api.create_response(request, {"detail": _("The request body is too large.")}, status=413)


def require(request: HttpRequest, permission: str) -> None:
    """403 unless the token's user has ``permission``."""
    if not request.user.has_perm(permission):
        raise HttpError(403, _("This token may not do this (needs %s).") % permission)


def field_error(field: str, message: str, kind: str = "value_error") -> dict[str, Any]:
    """One error in the shape ninja gives its own validation errors."""
    return {"loc": ["body", "payload", field], "msg": message, "type": kind}


# Schemas ---------------------------------------------------------------------------


class PersonIn(Schema):
    name: str = Field("", max_length=100)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=300)


class VoiceIn(Schema):
    """A voice from another system. Times without a zone are taken as local time."""

    channel: Voice.Channel
    kind: Voice.Kind | None = None
    subject: str = Field(min_length=1, max_length=_max_length(Voice, "subject"))
    body: str = Field(min_length=1, max_length=BODY_MAX_CHARS)
    happened_at: datetime | None = None
    received_at: datetime | None = None
    place: str = Field("", max_length=_max_length(Voice, "place"))
    area_code: str | None = Field(None, max_length=_max_length(Area, "code"))
    category: list[str] | int | None = Field(
        None,
        description="A category id, or its path of names from the top, "
        'e.g. ["城乡建设", "物业管理"].',
    )
    department_code: str | None = Field(None, max_length=_max_length(Department, "code"))
    person: PersonIn | None = None
    consent_to_publish: bool = False
    consent_to_follow_up: bool = Field(
        False,
        description="The person wants to be told what is decided about the problem they "
        "raised (by SMS, so it needs person.phone).",
    )
    likes: int = Field(0, ge=0, le=2**31 - 1)
    dislikes: int = Field(0, ge=0, le=2**31 - 1)
    source: str = Field(
        "",
        max_length=_max_length(Voice, "source"),
        description="The sending system; defaults to the token's name.",
    )
    external_id: str = Field(
        "",
        max_length=_max_length(Voice, "external_id"),
        description="The voice's id in the source system; sending it again returns "
        "the voice already created.",
    )
    extra: dict[str, Any] = Field(default_factory=dict)

    @field_validator("happened_at", "received_at")
    @classmethod
    def aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and timezone.is_naive(value):
            return timezone.make_aware(value)
        return value

    @field_validator("category")
    @classmethod
    def short_path(cls, value):
        if isinstance(value, list):
            if not 1 <= len(value) <= CATEGORY_MAX_DEPTH:
                raise ValueError(f"a category path has 1 to {CATEGORY_MAX_DEPTH} names")
            if any(len(name) > _max_length(Category, "name") for name in value):
                raise ValueError("a category name is too long")
        return value

    @field_validator("extra")
    @classmethod
    def small_extra(cls, value: dict[str, Any]) -> dict[str, Any]:
        if len(json.dumps(value, ensure_ascii=False)) > EXTRA_MAX_CHARS:
            raise ValueError(f"extra is longer than {EXTRA_MAX_CHARS} characters as JSON")
        return value

    @model_validator(mode="after")
    def reachable(self) -> "VoiceIn":
        # The decision is told by SMS to the phone given: consent without one tells nobody.
        if self.consent_to_follow_up and not (self.person and self.person.phone.strip()):
            raise ValueError("consent_to_follow_up needs person.phone to tell the person")
        return self


class VoiceOut(Schema):
    """A voice as other systems see it: the person only masked."""

    tracking_code: str
    channel: str
    kind: str
    status: str
    subject: str
    body: str
    happened_at: datetime | None
    received_at: datetime
    place: str
    area_code: str | None = Field(None, alias="area.code")
    area_name: str | None = Field(None, alias="area.name")
    category_id: int | None
    category: list[str] | None
    department_code: str | None = Field(None, alias="department.code")
    masked_name: str
    masked_phone: str
    consent_to_publish: bool
    consent_to_follow_up: bool
    likes: int
    dislikes: int
    source: str
    external_id: str
    created_at: datetime

    @staticmethod
    def resolve_category(voice: Voice) -> list[str] | None:
        return category_path(voice.category) if voice.category else None


class CreatedOut(VoiceOut):
    created: bool = Field(description="False when source and external_id were already known.")


class VoiceFilters(Schema):
    since: datetime | None = Field(None, description="Received at or after this time.")
    until: datetime | None = Field(None, description="Received before this time.")
    channel: Voice.Channel | None = None
    area_code: str | None = Field(None, description="This area and every area inside it.")
    category_id: int | None = Field(None, description="This category and every one below it.")
    source: str | None = None


class AreaOut(Schema):
    code: str
    name: str
    level: int
    parent_code: str | None = Field(None, alias="parent.code")


class CategoryOut(Schema):
    id: int
    name: str
    level: int
    parent_id: int | None
    path: list[str]

    @staticmethod
    def resolve_path(category: Category) -> list[str]:
        return category_path(category)


class DepartmentOut(Schema):
    code: str
    name: str
    tier: int
    phone: str


class Error(Schema):
    detail: Any


# Helpers ---------------------------------------------------------------------------


def category_path(category: Category) -> list[str]:
    """Names from the top of the taxonomy down to ``category``."""
    names = []
    while category:
        names.append(category.name)
        category = category.parent
    return names[::-1]


def find_category(value: list[str] | int) -> Category | None:
    """A category by id, or by its path of names from the top."""
    if isinstance(value, int):
        return Category.objects.filter(pk=value).first()
    category = None
    for name in value:
        category = Category.objects.filter(parent=category, name=name).first()
        if category is None:
            return None
    return category


def category_and_below(category_id: int) -> set[int]:
    """The ids of a category and of every category under it."""
    ids, level = set(), {category_id}
    while level:
        ids |= level
        level = set(Category.objects.filter(parent__in=level).values_list("pk", flat=True)) - ids
    return ids


def resolve_references(payload: VoiceIn) -> dict[str, Any]:
    """Area, category and department for ``payload``, or a 422 naming every unknown one."""
    found, errors = {}, []
    if payload.area_code:
        found["area"] = Area.objects.filter(code=payload.area_code).first()
        if found["area"] is None:
            errors.append(
                field_error(
                    "area_code", _("No area has the code “%s”.") % payload.area_code, "unknown_area"
                )
            )
    if payload.category is not None:
        found["category"] = find_category(payload.category)
        if found["category"] is None:
            shown = (
                payload.category
                if isinstance(payload.category, int)
                else (" / ".join(payload.category))
            )
            errors.append(
                field_error("category", _("No category “%s”.") % shown, "unknown_category")
            )
    if payload.department_code:
        found["department"] = Department.objects.filter(code=payload.department_code).first()
        if found["department"] is None:
            errors.append(
                field_error(
                    "department_code",
                    _("No department has the code “%s”.") % payload.department_code,
                    "unknown_department",
                )
            )
    if errors:
        raise ValidationError(errors)
    return found


def with_references(voices):
    return voices.select_related("area", "category__parent__parent", "department")


def known_voice(request: HttpRequest, source: str, external_id: str) -> Voice | None:
    """The voice already created for ``external_id``; 409 if this token may not see it."""
    if not external_id:
        return None
    same = Q(source=source, external_id=external_id)
    voice = with_references(Voice.objects.visible_to(request.user)).filter(same).first()
    if voice is None:
        if Voice.objects.filter(same).exists():
            raise HttpError(409, _("A voice with this source and external_id already exists."))
        return None
    voice.created = False
    return voice


# Endpoints -------------------------------------------------------------------------


@api.post(
    "/voices", response={200: CreatedOut, 201: CreatedOut, 403: Error, 409: Error, 422: Error}
)
def create_voice(request: HttpRequest, payload: VoiceIn):
    """Create a voice; the same source and external_id again returns the existing one (200)."""
    require(request, "voices.add_voice")
    source = payload.source or request.auth.name[: _max_length(Voice, "source")]
    if voice := known_voice(request, source, payload.external_id):
        return Status(200, voice)
    person = payload.person or PersonIn()
    fields = payload.model_dump(
        include={
            "channel",
            "subject",
            "body",
            "happened_at",
            "place",
            "consent_to_publish",
            "consent_to_follow_up",
            "likes",
            "dislikes",
            "external_id",
            "extra",
        }
    )
    try:
        with transaction.atomic():
            voice = Voice.objects.create(
                **fields,
                **resolve_references(payload),
                kind=payload.kind or "",
                received_at=payload.received_at or timezone.now(),
                source=source,
                name=person.name,
                phone=person.phone,
                address=person.address,
                created_by=request.user,
            )
    except IntegrityError:
        # A simultaneous request with the same external_id won the race.
        if voice := known_voice(request, source, payload.external_id):
            return Status(200, voice)
        raise
    voice.created = True
    return Status(201, voice)


@api.get("/voices", response=list[VoiceOut])
@paginate(LimitOffsetPagination, max_limit=LIST_MAX_LIMIT)
def list_voices(request: HttpRequest, filters: Query[VoiceFilters]):
    """Voices this token may see, newest first, with the total in ``count``."""
    require(request, "voices.view_voice")
    voices = with_references(Voice.objects.visible_to(request.user)).defer("address")
    if filters.since:
        voices = voices.filter(received_at__gte=filters.since)
    if filters.until:
        voices = voices.filter(received_at__lt=filters.until)
    if filters.channel:
        voices = voices.filter(channel=filters.channel)
    if filters.area_code:
        voices = voices.filter(area__path__contains=f"/{filters.area_code}/")
    if filters.category_id:
        voices = voices.filter(category_id__in=category_and_below(filters.category_id))
    if filters.source:
        voices = voices.filter(source=filters.source)
    return voices


@api.get("/voices/{tracking_code}", response={200: VoiceOut, 403: Error, 404: Error})
def voice_detail(request: HttpRequest, tracking_code: str):
    """One voice by its tracking code; 404 if it does not exist or this token may not see it."""
    require(request, "voices.view_voice")
    voice = (
        with_references(Voice.objects.visible_to(request.user))
        .filter(tracking_code=tracking_code)
        .defer("address")
        .first()
    )
    if voice is None:
        raise HttpError(404, _("No such voice."))
    return voice


@api.get("/areas", response=list[AreaOut])
def list_areas(request: HttpRequest):
    """Every area, parents before children."""
    return Area.objects.select_related("parent")


@api.get("/categories", response=list[CategoryOut])
def list_categories(request: HttpRequest):
    """Every category with its path of names, for ``category`` when creating a voice."""
    return Category.objects.select_related("parent__parent__parent__parent")


@api.get("/departments", response=list[DepartmentOut])
def list_departments(request: HttpRequest):
    """Every department, for ``department_code`` when creating a voice."""
    return Department.objects.all()
