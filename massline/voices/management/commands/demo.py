"""``massline demo``: the fictional city of 临江市, its people's voices and an account per role.

Everything here is invented (massline.synthetic). The voices cover the year up to
yesterday, so the newest are still open and the oldest closed, as in a real office.
"""

import random
import sys
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.models import ProtectedError, Q
from django.utils import timezone
from tqdm import tqdm

from massline.cases.demo import create_demo_cases, delete_demo_cases
from massline.cases.routing import routing_from_departments
from massline.cycles.models import Verification, not_due
from massline.decisions.demo import (
    create_demo_decisions,
    delete_demo_decisions,
    publish_demo_decisions,
)
from massline.decisions.models import Decision
from massline.hotissues.finding import recompute
from massline.hotissues.models import HotIssue, IssueAction
from massline.org import roles
from massline.org.models import Area, Category, Department, Staff
from massline.synthetic import City, generate_city, generate_voices
from massline.voices.models import (
    CategoryCorrection,
    PersonalDataAccess,
    Voice,
    mark_repeats,
    person_key,
)

SOURCE = "massline-demo"
EMAIL_DOMAIN = "demo.invalid"  # marks the demo's accounts, so --reset removes only them
BATCH = 2000
# About two in five people who leave a phone number ask to be told what is decided.
FOLLOW_UP_SHARE = 0.4
URL = "http://127.0.0.1:8000/"


# One simple password for every demo account, printed for anyone to read: never for real use.
# (Hashed once: a strong password hash takes half a second on purpose.)
PASSWORD = "massline"  # noqa: S105


class Command(BaseCommand):
    help = "Load a fictional city, a year of its voices and one account per role to try massline."

    def add_arguments(self, parser):
        parser.add_argument("--voices", type=int, default=30000, help="how many voices (30000)")
        parser.add_argument("--seed", type=int, default=0, help="the same seed, the same city")
        parser.add_argument("--reset", action="store_true", help="delete the demo data first")

    def handle(self, *args, voices: int, seed: int, reset: bool, verbosity: int, **options):
        if voices < 0:
            raise CommandError("--voices must be 0 or more.")
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `massline migrate` first.")
        city = generate_city(seed)
        started = time.perf_counter()
        with transaction.atomic():  # a reset that cannot load again changes nothing
            if reset:
                self.reset(city)
            loaded = Area.objects.filter(code=city.code, name=city.name).exists()
            if not loaded:
                self.load(city, voices, seed, verbosity)
        if not loaded and voices:
            self.concentrate()
            self.decide(city, seed)
        if loaded:
            self.stdout.write(f"The demo data is already loaded ({city.name}); nothing to do.")
            self.stdout.write("Use --reset to delete it and load it again.\n")
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded {city.name}: {len(city.areas)} areas, "
                    f"{len(city.departments)} departments, {len(city.categories)} categories "
                    f"and {voices} voices in {time.perf_counter() - started:.1f} s."
                )
            )
        self.print_accounts(city)

    # ---- loading -------------------------------------------------------------------

    def load(self, city: City, count: int, seed: int, verbosity: int) -> None:
        taken = User.objects.filter(username__in=[a[0] for a in ACCOUNTS]).values_list(
            "username", flat=True
        )
        if taken:
            raise CommandError(
                f"These user names are taken: {', '.join(taken)}. "
                "The demo needs a database without them."
            )
        areas = self.create_areas(city)
        categories = self.create_categories(city)
        departments = self.create_departments(city, areas, categories)
        routing_from_departments()  # a routing table for dispatch
        self.create_accounts(city, areas, departments)
        self.create_voices(city, count, seed, areas, categories, departments, verbosity)
        staff = {u.username: u for u in User.objects.filter(username__in=["operator", "leader"])}
        demo_voices = Voice.objects.filter(source=SOURCE)
        create_demo_cases(demo_voices, staff["operator"], staff["leader"], seed)

    def create_areas(self, city: City) -> dict[str, Area]:
        areas: dict[str, Area] = {}
        for area in city.areas:  # parents come first; save() computes each path
            areas[area.code] = Area.objects.create(
                code=area.code,
                name=area.name,
                level=area.level,
                parent=areas.get(area.parent_code) if area.parent_code else None,
            )
        return areas

    def create_categories(self, city: City) -> dict[tuple[str, ...], Category]:
        """The default taxonomy; nodes an install already has are reused, not duplicated."""
        categories: dict[tuple[str, ...], Category] = {}
        for path in city.categories:
            categories[path], _ = Category.objects.get_or_create(
                name=path[-1], parent=categories.get(path[:-1])
            )
        return categories

    def create_departments(self, city, areas, categories) -> dict[str, Department]:
        departments = Department.objects.bulk_create(
            Department(code=d.code, name=d.name, tier=d.tier, phone=d.phone)
            for d in city.departments
        )
        # The many-to-many links in one insert each, not two queries per department.
        pairs = list(zip(departments, city.departments, strict=True))
        area_link, category_link = Department.areas.through, Department.categories.through
        area_link.objects.bulk_create(
            area_link(department=department, area=areas[code])
            for department, d in pairs
            for code in d.area_codes
        )
        category_link.objects.bulk_create(
            category_link(department=department, category=categories[(top,)])
            for department, d in pairs
            for top in d.categories
        )
        return {department.code: department for department in departments}

    def create_accounts(self, city: City, areas, departments) -> None:
        scopes = _scopes(city)
        hashed = make_password(PASSWORD)
        for username, role, _ in ACCOUNTS:
            user = User.objects.create(
                username=username,
                email=f"{username}@{EMAIL_DOMAIN}",
                password=hashed,
                is_staff=role == roles.ADMINISTRATOR,
                is_superuser=role == roles.ADMINISTRATOR,
            )
            user.groups.add(Group.objects.get(name=role))
            department, area = scopes.get(username, (None, None))
            Staff.objects.create(
                user=user,
                title=TITLES[role],
                department=departments.get(department),
                area=areas.get(area),
            )

    def create_voices(self, city, count, seed, areas, categories, departments, verbosity) -> None:
        # The year up to yesterday: the newest voices are still being handled.
        start = timezone.localdate() - timedelta(days=365)
        rng = random.Random(seed)
        # Its own draws, so the rest of the demo city stays what the same seed always gave.
        follow_up = random.Random(f"follow-up:{seed}")
        batch = []
        progress = tqdm(
            total=count, unit=" voices", file=sys.stderr, disable=verbosity == 0 or count == 0
        )
        with progress:
            for v in generate_voices(count, seed=seed, start=start, city=city):
                batch.append(
                    Voice(
                        channel=v.channel,
                        kind=v.kind,
                        subject=v.subject,
                        body=v.body,
                        received_at=v.received_at,
                        happened_at=v.happened_at,
                        place=v.place,
                        area=areas[v.area_code],
                        category=categories[v.category],
                        department=departments[v.department_code],
                        name=v.name,
                        phone=v.phone,
                        address=v.address,
                        # bulk_create skips Voice.save(), which sets the key
                        person_key=person_key(v.phone, v.name, SOURCE),
                        consent_to_publish=v.channel in ("web", "mobile") and rng.random() < 0.6,
                        consent_to_follow_up=bool(v.phone) and follow_up.random() < FOLLOW_UP_SHARE,
                        likes=v.likes,
                        dislikes=v.dislikes,
                        source=SOURCE,
                        external_id=v.external_id,
                    )
                )
                if len(batch) == BATCH:
                    Voice.objects.bulk_create(batch)
                    progress.update(len(batch))
                    batch = []
            Voice.objects.bulk_create(batch)
            progress.update(len(batch))
        mark_repeats()  # bulk_create skips Voice.save(), which marks repeats one by one

    def concentrate(self) -> None:
        """Find the hot issues of the last 90 days, so the demo shows them at once (the
        worker then recomputes them every hour)."""
        started = time.perf_counter()
        run = recompute(90)
        hot = HotIssue.objects.filter(status=HotIssue.Status.OPEN).count()
        self.stdout.write(
            f"Found {hot} hot issues among the {run.voices_read} voices of the last 90 days "
            f"in {time.perf_counter() - started:.1f} s."
        )

    def decide(self, city: City, seed: int) -> None:
        """The year's livelihood projects and decisions on the hottest issues."""
        demo = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN)
        operator, admin = demo.get(username="operator"), demo.get(username="admin")
        projects, decisions = create_demo_decisions(operator, city.code, seed)
        told = publish_demo_decisions(admin)
        verified = [
            Verification.do_verify(decision, operator)
            for decision in Decision.objects.filter(opinion__drafted_by=operator)
            if not not_due(decision, timezone.localdate())
        ]
        self.stdout.write(
            f"Decided on the {len(decisions)} hottest issues and published them ({told} people "
            f"told), verified {len(verified)}; {projects} livelihood projects."
        )

    # ---- reset ---------------------------------------------------------------------

    def reset(self, city: City) -> None:
        """Delete the demo's voices, accounts, departments and areas (the taxonomy stays).

        Runs inside the caller's transaction, so a failed reset or reload deletes nothing.
        """
        users = User.objects.filter(
            username__in=[a[0] for a in ACCOUNTS], email__endswith="@" + EMAIL_DOMAIN
        )
        codes = [d.code for d in city.departments]
        city_area = Area.objects.filter(code=city.code, name=city.name).first()
        in_city = Q(area__path__startswith=city_area.path) if city_area else Q(pk__in=[])
        try:
            delete_demo_decisions(users, Department.objects.filter(code__in=codes))
            delete_demo_cases(Voice.objects.filter(Q(source=SOURCE) | in_city))
            PersonalDataAccess.objects.filter(user__in=users).delete()
            IssueAction.objects.filter(user__in=users).delete()
            CategoryCorrection.objects.filter(user__in=users).delete()
            Voice.objects.filter(
                Q(source=SOURCE) | in_city | Q(department__code__in=codes) | Q(created_by__in=users)
            ).delete()
            HotIssue.objects.filter(memberships=None).delete()  # their voices were the demo's
            users.delete()
            Department.objects.filter(code__in=codes).delete()
            if city_area:
                for level in sorted(Area.Level.values, reverse=True):  # children first
                    city_area.subtree().filter(level=level).delete()
        except ProtectedError as error:
            raise CommandError(
                f"Cannot delete the demo data: other data still uses it ({error.args[0]})"
            ) from error
        self.stdout.write("Deleted the demo data.")

    # ---- the accounts table --------------------------------------------------------

    def print_accounts(self, city: City) -> None:
        rows = [("Role", "User name", "Password", "What they can do")]
        scopes = _scopes(city)
        for username, role, can in ACCOUNTS:
            department, area = scopes.get(username, (None, None))
            where = _name(city, department or area)
            rows.append((role, username, PASSWORD, can.format(where=where)))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(self.style.MIGRATE_HEADING("\nDemo accounts (for trying massline only):"))
        for i, row in enumerate(rows):
            line = "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=False))
            self.stdout.write(f"  {line}  {row[3]}")
            if i == 0:
                self.stdout.write("  " + "-" * (sum(widths) + 6 + len(row[3])))
        self.stdout.write(
            f"\nStart the server with `massline serve`, then open {URL} and log in at {URL}login/\n"
        )


# (user name, role, what they can do); {where} is the account's scope, see _scopes.
ACCOUNTS = [
    (
        "operator",
        roles.OPERATOR,
        "take calls and visits (quick entry), import files, see every voice",
    ),
    ("handler", roles.HANDLER, "answer the voices routed to {where}"),
    ("handler2", roles.HANDLER, "answer the voices routed to {where}"),
    ("handler3", roles.HANDLER, "answer the voices routed to {where}"),
    ("leader", roles.LEADER, "oversee every voice in {where}"),
    (
        "admin",
        roles.ADMINISTRATOR,
        "manage areas, departments, categories, accounts, imports and API tokens (admin site)",
    ),
    ("auditor", roles.AUDITOR, "read the personal-data access log; never sees clear personal data"),
]
TITLES = {
    roles.OPERATOR: "12345热线接线员",
    roles.HANDLER: "承办人",
    roles.LEADER: "分管副区长",
    roles.ADMINISTRATOR: "系统管理员",
    roles.AUDITOR: "审计员",
}


def _scopes(city: City) -> dict[str, tuple[str | None, str | None]]:
    """(department code, area code) of the accounts that see only part of the city.

    Handlers of two district bureaus and a street office; a leader of the first district.
    """
    districts = [area for area in city.areas if area.level == 2]
    street = next(area for area in city.areas if area.parent_code == districts[0].code)
    return {
        "handler": (f"{districts[0].code}-ZJ", None),
        "handler2": (f"{districts[1].code}-ST", None),
        "handler3": (f"{street.code}-JD", None),
        "leader": (None, districts[0].code),
    }


def _name(city: City, code: str | None) -> str:
    if code is None:
        return ""
    department = next((d for d in city.departments if d.code == code), None)
    return department.name if department else city.area(code).name
