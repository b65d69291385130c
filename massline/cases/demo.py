"""A year of case handling for the demo city (``massline demo``), written in bulk.

Each demo voice is taken through the steps an office takes — triage, dispatch (now and then
to the wrong department, which returns it), first contact, reply, the person's callback,
reopening — at plausible moments, and each step is written as the same rows and
:class:`~massline.cases.models.Event` the :class:`~massline.cases.models.Case` methods
write, with the deadlines of the real time limits and working calendar. The methods
themselves take a transaction and several queries per step: for 30,000 voices that is
minutes, this is seconds. The newest voices are still waiting, a few cases are overdue.
"""

import random
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.color import no_style
from django.db import connection
from django.db.models import Max, QuerySet
from django.utils import timezone

from massline.cases import figures
from massline.cases.models import Callback, Case, Event, Reply, TimeLimit, Urgency, working_calendar
from massline.org import roles
from massline.org.models import Department, Staff
from massline.voices.models import Voice

#: The accounts made for departments without one, so every reply has its author.
DEPARTMENT_EMAIL = "{code}@departments.demo.invalid"
DECLINE_REASONS = [
    "属于司法诉讼程序，请依法向人民法院起诉。",
    "反映的问题已进入信访复查程序，请等待复查结果。",
    "诉求内容不明确，无法受理，请补充具体地点和问题后重新反映。",
]
RETURN_REASONS = ["不属于本单位职责范围。", "该地点不在本单位辖区。"]
REPLIES = {
    Reply.Disposition.RESOLVED: (
        "经核查，{subject}的问题属实。我单位已于{day}派员到现场处理，现已整改完毕，后续将加强巡查。"
    ),
    Reply.Disposition.NOT_YET: (
        "经核查，{subject}的问题需列入改造计划，资金审批中，预计{expected}前完成，届时将再次告知。"
    ),
    Reply.Disposition.NOT_IN_POLICY: (
        "经核查，您反映的{subject}不符合补贴条件，依据相关规定暂不能办理，已向您当面解释政策。"
    ),
}
BASIS = "《临江市城市管理条例》第二十三条"


@dataclass
class _Story:
    """One voice's case as it happened: the case row, its replies, callbacks and events."""

    case: Case
    replies: list[dict] = field(default_factory=list)
    callbacks: list[tuple[dict, int]] = field(default_factory=list)  # with its reply's index
    events: list[tuple[dict, int | None]] = field(default_factory=list)  # reply index in data


def department_accounts(departments: QuerySet[Department]) -> dict[int, User]:
    """A handler account for each department (the demo's own where it has one)."""
    accounts = {
        staff.department_id: staff.user
        for staff in Staff.objects.filter(department__in=departments).select_related("user")
    }
    missing = [d for d in departments if d.pk not in accounts]
    unusable = make_password(None)  # authors of replies, not accounts to log in with
    users = User.objects.bulk_create(
        User(
            username=f"dept-{d.code}", email=DEPARTMENT_EMAIL.format(code=d.code), password=unusable
        )
        for d in missing
    )
    Staff.objects.bulk_create(
        Staff(user=user, department=d, title="承办人")
        for user, d in zip(users, missing, strict=True)
    )
    handlers = Group.objects.get(name=roles.HANDLER)
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=user.pk, group_id=handlers.pk) for user in users
    )
    accounts.update({d.pk: user for user, d in zip(users, missing, strict=True)})
    return accounts


def delete_demo_cases(voices: QuerySet[Voice]) -> None:
    """Delete the cases of ``voices`` (with their events, replies and callbacks) and the
    department accounts made for them."""
    Case.objects.filter(voice__in=voices, merged_into__isnull=False).delete()
    Case.objects.filter(voice__in=voices).delete()
    User.objects.filter(email__endswith="@departments.demo.invalid").delete()


def create_demo_cases(voices: QuerySet[Voice], operator: User, leader: User, seed: int = 0) -> int:
    """Give ``voices`` the cases a year of handling made of them; returns how many."""
    rng = random.Random(seed)
    now = timezone.now()
    departments = Department.objects.all()
    authors = department_accounts(departments)
    department_ids = sorted(authors)
    leader_path = (
        leader.staff.area.path if getattr(leader, "staff", None) and leader.staff.area else None
    )
    simulation = _Simulation(rng, now, operator, leader, authors, department_ids, leader_path)
    rows = voices.order_by("received_at").values_list(
        "pk",
        "received_at",
        "kind",
        "area_id",
        "area__path",
        "category_id",
        "department_id",
        "person_key",
        "subject",
    )
    stories = [story for row in rows.iterator(chunk_size=5000) if (story := simulation.run(*row))]
    _write(stories)
    _analyze([Voice, Case, Reply, Callback, Event])
    _set_voice_statuses(voices)
    figures.count_all()  # bulk inserts tell no month of figures that it changed
    return len(stories)


class _Simulation:
    def __init__(self, rng, now, operator, leader, authors, department_ids, leader_path):
        self.rng, self.now = rng, now
        self.operator, self.leader, self.authors = operator, leader, authors
        self.department_ids, self.leader_path = department_ids, leader_path
        self.calendar = working_calendar()
        self.limits = {(t.urgency, t.kind): t for t in TimeLimit.objects.all()}
        # Open cases of a person in a category, for merging their repeat voices.
        self.latest: dict[tuple[str, int], _Story] = {}

    def limit(self, urgency: str, kind: str) -> TimeLimit:
        return self.limits.get((urgency, kind)) or self.limits[(urgency, "")]

    def later(self, start: datetime, low: float, high: float) -> datetime:
        """A moment between ``low`` and ``high`` hours after ``start``."""
        return start + timedelta(hours=self.rng.uniform(low, high))

    def run(self, pk, received, kind, area_id, area_path, category_id, department_id, key, subject):
        rng, now = self.rng, self.now
        accepted = self.later(received, 0.05, 3)
        if accepted > now or (now - received < timedelta(days=1) and rng.random() < 0.3):
            return None  # not triaged yet
        case = Case(voice_id=pk, category_id=category_id, area_id=area_id, accepted_at=accepted)
        story = _Story(case)
        earlier = self.latest.get((key, category_id)) if key else None
        if earlier and _open_at(earlier.case, accepted) and rng.random() < 0.5:
            case.status, case.urgency = Case.Status.MERGED, earlier.case.urgency
            case.merged_into = earlier.case
            self.event(story, Event.Kind.MERGED, accepted, self.operator)
            self.event(earlier, Event.Kind.MERGED, accepted, self.operator, data={"voice": pk})
            return story
        if rng.random() < 0.02:
            case.status, case.closed_at = Case.Status.DECLINED, accepted
            case.decline_reason = rng.choice(DECLINE_REASONS)
            self.event(
                story, Event.Kind.DECLINED, accepted, self.operator, reason=case.decline_reason
            )
            return story
        roll = rng.random()
        case.urgency = (
            Urgency.EMERGENCY if roll < 0.02 else Urgency.URGENT if roll < 0.12 else Urgency.NORMAL
        )
        case.status = Case.Status.ACCEPTED
        self.event(story, Event.Kind.ACCEPTED, accepted, self.operator)
        if key:
            self.latest[(key, category_id)] = story
        at = self.later(accepted, 0.15, 5)
        if at > now:
            return story
        if rng.random() < 0.03:  # sent to the wrong department first, which returns it
            wrong = rng.choice([d for d in self.department_ids[:50] if d != department_id])
            self.dispatch(story, wrong, at, kind)
            at = self.later(at, 2, 24)
            if at > now:
                return story
            reason = rng.choice(RETURN_REASONS)
            self.event(
                story,
                Event.Kind.RETURNED,
                at,
                self.authors[wrong],
                from_department_id=wrong,
                reason=reason,
            )
            case.status, case.department_id, case.returns = Case.Status.ACCEPTED, None, 1
            case.respond_by = case.reply_by = None
            at = self.later(at, 0.5, 4)
            if at > now:
                return story
        self.dispatch(story, department_id, at, kind)
        owned = self.later(at, 0.5, 8)
        in_area = self.leader_path and area_path.startswith(self.leader_path)
        if in_area and owned < now and rng.random() < 0.03:
            case.owner = self.leader
            self.event(story, Event.Kind.OWNED, owned, self.leader, data={"owner": self.leader.pk})
        self.handle(story, kind, subject, at)
        return story

    def dispatch(self, story: _Story, department_id: int, at: datetime, kind: str) -> None:
        case = story.case
        case.status, case.department_id = Case.Status.DISPATCHED, department_id
        case.dispatched_by, case.dispatched_at = self.operator, at
        self.deadlines(case, at, kind)
        self.event(story, Event.Kind.DISPATCHED, at, self.operator, department_id=department_id)

    def deadlines(self, case: Case, start: datetime, kind: str) -> None:
        case.respond_by, case.reply_by = self.limit(case.urgency, kind).deadlines(
            start, self.calendar
        )
        case.overdue_at = None

    def handle(self, story: _Story, kind: str, subject: str, start: datetime) -> None:
        """Contact, reply, callback — and again after a reopening, up to three rounds."""
        rng, now, case = self.rng, self.now, story.case
        author = self.authors[case.department_id]
        for round_ in range(3):
            if case.contacted_at is None and rng.random() < 0.9:
                late = rng.random() < 0.1
                contacted = start + (case.respond_by - start) * (
                    rng.uniform(1.05, 2.5) if late else rng.uniform(0.05, 0.95)
                )
                if contacted < now:
                    case.contacted_at = contacted
                    case.contacted_in_time = contacted <= case.respond_by
                    self.event(
                        story,
                        Event.Kind.CONTACTED,
                        contacted,
                        author,
                        department_id=case.department_id,
                        reason="电话联系群众，了解具体情况。",
                    )
            late = rng.random() < (0.15 if round_ == 0 else 0.08)
            replied = start + (case.reply_by - start) * (
                rng.uniform(1.02, 1.8) if late else rng.uniform(0.1, 0.97)
            )
            if replied > case.reply_by and case.reply_by < now:
                case.overdue_at = case.reply_by + timedelta(minutes=5)
                self.event(
                    story,
                    Event.Kind.OVERDUE,
                    case.overdue_at,
                    None,
                    department_id=case.department_id,
                )
            if replied > now:
                return  # still with the department
            reply = self.reply(story, author, subject, replied)
            case.status, case.replied_at = Case.Status.REPLIED, replied
            case.replied_in_time = replied <= case.reply_by
            if case.contacted_at is None:
                case.contacted_at, case.contacted_in_time = replied, replied <= case.respond_by
            rated = self.later(replied, 4, 96)
            if rated > now or rng.random() < 0.03:
                return  # waiting for the callback
            by = self.operator if rng.random() < 0.35 else None
            rating, solved = self.verdict(round_, reply["disposition"])
            unhappy = rating == Callback.Rating.DISSATISFIED
            callback = {
                "rating": rating,
                "solved": solved,
                "via": Callback.Via.PHONE if by else Callback.Via.LINK,
                "recorded_by_id": by.pk if by else None,
                "at": rated,
                "comment": "问题没有解决，希望再来看看。" if unhappy else "",
            }
            story.callbacks.append((callback, len(story.replies) - 1))
            case.count_callback(callback["via"], rating, solved)
            self.event(
                story, Event.Kind.RATED, rated, by, data={"rating": rating, "solved": solved}
            )
            if rating == Callback.Rating.DISSATISFIED or not solved:
                case.status, case.replied_at, case.replied_in_time = (
                    Case.Status.DISPATCHED,
                    None,
                    None,
                )
                case.reopened += 1
                self.deadlines(case, rated, kind)
                self.event(
                    story,
                    Event.Kind.REOPENED,
                    rated,
                    by,
                    department_id=case.department_id,
                    reason=callback["comment"],
                )
                start = rated
                continue
            case.status, case.closed_at = Case.Status.CLOSED, rated
            self.event(story, Event.Kind.CLOSED, rated, by)
            return

    def reply(self, story: _Story, author: User, subject: str, at: datetime) -> dict:
        roll = self.rng.random()
        disposition = (
            Reply.Disposition.RESOLVED
            if roll < 0.8
            else Reply.Disposition.NOT_YET
            if roll < 0.92
            else Reply.Disposition.NOT_IN_POLICY
        )
        expected = (at + timedelta(days=self.rng.randint(20, 90))).date()
        text = REPLIES[disposition].format(
            subject=subject, day=f"{at:%m月%d日}", expected=f"{expected:%Y年%m月%d日}"
        )
        reply = {
            "disposition": disposition,
            "text": text,
            "expected_by": expected if disposition == Reply.Disposition.NOT_YET else None,
            "basis": BASIS if disposition == Reply.Disposition.NOT_IN_POLICY else "",
            "department_id": story.case.department_id,
            "author_id": author.pk,
            "at": at,
            "callback_digest": secrets.token_hex(32),  # no link: its token was never known
        }
        story.replies.append(reply)
        self.event(
            story,
            Event.Kind.REPLIED,
            at,
            author,
            department_id=story.case.department_id,
            reply=len(story.replies) - 1,
        )
        return reply

    def verdict(self, round_: int, disposition: str) -> tuple[str, bool]:
        rng = self.rng
        unhappy = (0.12 if round_ == 0 else 0.06) + (
            0.1 if disposition != Reply.Disposition.RESOLVED else 0
        )
        roll = rng.random()
        if roll < unhappy:
            return Callback.Rating.DISSATISFIED, rng.random() < 0.25
        rating = Callback.Rating.BASICALLY if roll < unhappy + 0.2 else Callback.Rating.SATISFIED
        return rating, rng.random() < (0.93 if disposition == Reply.Disposition.RESOLVED else 0.6)

    def event(
        self, story: _Story, kind: str, at: datetime, actor, reply: int | None = None, **fields
    ):
        event = {"kind": kind, "at": at, "actor_id": actor.pk if actor else None, **fields}
        story.events.append((event, reply))


def _open_at(case: Case, moment: datetime) -> bool:
    if case.status in (Case.Status.DECLINED, Case.Status.MERGED):
        return False
    return case.closed_at is None or case.closed_at > moment


def _write(stories: list[_Story]) -> None:
    """Insert the cases, replies, callbacks and events, each table in one statement run for
    every row (ids given here, so no row needs reading back)."""
    case_id, reply_id = _next_id(Case), _next_id(Reply)
    for story in stories:
        story.case.pk, case_id = case_id, case_id + 1
    replies, callbacks, events = [], [], []
    for story in stories:
        ids = []
        for reply in story.replies:
            replies.append({**reply, "id": reply_id, "case_id": story.case.pk})
            ids.append(reply_id)
            reply_id += 1
        for callback, index in story.callbacks:
            callbacks.append({**callback, "case_id": story.case.pk, "reply_id": ids[index]})
        for event, index in story.events:
            if index is not None:
                event["data"] = {"reply": ids[index]}
            elif event["kind"] == Event.Kind.MERGED and story.case.merged_into is not None:
                event["data"] = {"into": story.case.merged_into.pk}
            events.append({**event, "case_id": story.case.pk})
    cases = [s.case for s in stories]
    for case in cases:
        case.merged_into_id = case.merged_into.pk if case.merged_into else None
    # Merged cases point at the cases they joined: those go in first.
    cases.sort(key=lambda case: case.merged_into_id is not None)
    _insert(Case, [{f.attname: getattr(c, f.attname) for f in _fields(Case)} for c in cases])
    _insert(Reply, replies)
    _insert(Callback, callbacks)
    _insert(Event, events)
    with connection.cursor() as cursor:  # PostgreSQL's sequences continue after these ids
        for sql in connection.ops.sequence_reset_sql(no_style(), [Case, Reply, Callback, Event]):
            cursor.execute(sql)


def _analyze(models) -> None:
    """Fresh statistics for tables just bulk-loaded: without them PostgreSQL's planner
    (before autovacuum gets to them) took minutes over the voices' statuses below."""
    with connection.cursor() as cursor:
        for model in models:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _next_id(model) -> int:
    return (model.objects.aggregate(last=Max("pk"))["last"] or 0) + 1


def _fields(model):
    return model._meta.concrete_fields


def _insert(model, rows: list[dict]) -> None:
    """``INSERT`` ``rows`` (values by column attribute name; missing ones take the field's
    default) with ``executemany``: bulk_create would build a model instance per row."""
    if not rows:
        return
    # Rows without an id get one from the database (a sequence on PostgreSQL).
    fields = [f for f in _fields(model) if not f.primary_key or f.attname in rows[0]]
    adapt = {}
    for f in fields:
        kind = f.get_internal_type()
        if kind == "DateTimeField":
            adapt[f.attname] = connection.ops.adapt_datetimefield_value
        elif kind == "DateField":
            adapt[f.attname] = connection.ops.adapt_datefield_value
        elif kind == "JSONField":
            adapt[f.attname] = partial(f.get_db_prep_save, connection=connection)
    defaults = {f.attname: f.get_default() for f in fields}
    quote = connection.ops.quote_name
    # Table and column names from the model, quoted; every value is a parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    values = []
    for row in rows:
        out = []
        for f in fields:
            value = row.get(f.attname, defaults[f.attname])
            if f.attname in adapt and value is not None:
                value = adapt[f.attname](value)
            out.append(value)
        values.append(out)
    with connection.cursor() as cursor:
        for start in range(0, len(values), 5000):
            cursor.executemany(sql, values[start : start + 5000])


def _set_voice_statuses(voices: QuerySet[Voice]) -> None:
    """A voice's status follows its case (a merged voice, the case it joined)."""
    statuses = {
        Voice.Status.IN_PROGRESS: [Case.Status.ACCEPTED, Case.Status.DISPATCHED],
        Voice.Status.REPLIED: [Case.Status.REPLIED],
        Voice.Status.CLOSED: [Case.Status.CLOSED, Case.Status.DECLINED],
    }
    voices.update(status=Voice.Status.RECEIVED)
    for status, case_statuses in statuses.items():
        voices.filter(case__status__in=case_statuses, case__merged_into=None).update(status=status)
        voices.filter(case__merged_into__status__in=case_statuses).update(status=status)
