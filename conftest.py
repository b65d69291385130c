"""Shared test fixtures: the people of a small city office, real data, a real browser.

Personas (healthchecks-style): an operator, two handlers of different departments, a
leader, an administrator, an auditor, and the public (no account).
"""

import os
import shutil
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data" / "tipdm2020"
IN_CI = os.environ.get("CI", "").lower() == "true"


def need(condition: bool, why: str) -> None:
    """Skip when something optional is missing — but under CI a missing part is a failure."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must have this: {why}")
        pytest.skip(why)


@pytest.fixture(autouse=True)
def english():
    """Code outside a request (commands, importers) speaks English in tests, like the client."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Test accounts' passwords hashed in microseconds: production's PBKDF2 of a million
    rounds takes a third of a second per account, and most tests create seven."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """Django's test client speaking English, so assertions read the source strings.

    Chinese (the default language) has its own tests in massline/voices/tests/test_languages.py.
    """
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def tipdm() -> Path:
    """The folder of real public messages, ../shared/data/tipdm2020 (never copied into the repo)."""
    need(SHARED_DATA.is_dir(), f"{SHARED_DATA} is not here")
    return SHARED_DATA


@pytest.fixture
def city(db):
    """A city with two districts, a street each, two departments and a small taxonomy."""
    from massline.org.models import Area, Category, Department

    city = Area.objects.create(name="临江市", code="3301", level=Area.Level.CITY)
    north = Area.objects.create(
        name="江北区", code="330101", level=Area.Level.DISTRICT, parent=city
    )
    south = Area.objects.create(
        name="江南区", code="330102", level=Area.Level.DISTRICT, parent=city
    )
    north_street = Area.objects.create(
        name="望江街道", code="33010101", level=Area.Level.STREET, parent=north
    )
    south_street = Area.objects.create(
        name="滨湖街道", code="33010201", level=Area.Level.STREET, parent=south
    )
    urban = Category.objects.create(name="城乡建设")
    property_mgmt = Category.objects.create(name="物业管理", parent=urban)
    environment = Category.objects.create(name="环境保护")
    noise = Category.objects.create(name="噪音污染", parent=environment)
    housing = Department.objects.create(name="江北区住房和城乡建设局", code="JB-ZJ", tier=2)
    housing.areas.add(north)
    housing.categories.add(urban)
    ecology = Department.objects.create(name="江南区生态环境分局", code="JN-ST", tier=2)
    ecology.areas.add(south)
    ecology.categories.add(environment)
    return {
        "city": city,
        "north": north,
        "south": south,
        "north_street": north_street,
        "south_street": south_street,
        "urban": urban,
        "property": property_mgmt,
        "environment": environment,
        "noise": noise,
        "housing": housing,
        "ecology": ecology,
    }


def _person(username: str, role: str | None, **staff):
    from django.contrib.auth.models import Group, User

    from massline.org.models import Staff

    user = User.objects.create_user(username, password="pass-" + username)
    if role:
        user.groups.add(Group.objects.get(name=role))
    if staff:
        Staff.objects.create(user=user, **staff)
    return user


@pytest.fixture
def people(city):
    """Named users, one per role; handlers belong to different departments."""
    from massline.org import roles

    admin = _person("admin", roles.ADMINISTRATOR)
    admin.is_staff = True
    admin.save()
    return {
        "operator": _person("operator", roles.OPERATOR),
        "housing_handler": _person("housing", roles.HANDLER, department=city["housing"]),
        "ecology_handler": _person("ecology", roles.HANDLER, department=city["ecology"]),
        "leader": _person("leader", roles.LEADER, area=city["north"]),
        "admin": admin,
        "auditor": _person("auditor", roles.AUDITOR),
        "nobody": _person("nobody", None),
    }


@pytest.fixture
def voice(city):
    """A voice about a north-side compound, routed to the housing bureau, with a person."""
    from massline.voices.models import Voice

    return Voice.objects.create(
        channel=Voice.Channel.HOTLINE,
        kind=Voice.Kind.COMPLAINT,
        subject="望江花园小区电梯长期故障",
        body="望江花园3栋电梯坏了两个月，老人上下楼困难。",
        place="望江花园3栋",
        area=city["north_street"],
        category=city["property"],
        department=city["housing"],
        name="王秀英",
        phone="13912345678",
        address="江北区望江路18号3栋",
    )


@pytest.fixture
def run_worker():
    """Run every task that is due, with the same Worker that ``massline db_worker`` runs."""
    from django_tasks_db.management.commands.db_worker import Worker

    def run() -> None:
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()

    return run


@pytest.fixture
def chat_endpoint():
    """A real HTTP server on 127.0.0.1 answering like an OpenAI-compatible chat endpoint (a
    local language model): yields its base URL, the requests it saw and how to behave."""
    import json
    import threading
    import time
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    seen: list[dict] = []
    behaviour = {"status": 200, "delay": 0.0, "answer": "云栖雅苑3栋电梯停运，\n居民要求尽快修复。"}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - the standard library's name
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            seen.append({"path": self.path, "body": body, "auth": self.headers["Authorization"]})
            time.sleep(behaviour["delay"])
            answer = {"choices": [{"message": {"content": behaviour["answer"]}}]}
            self.send_response(behaviour["status"])
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(json.dumps(answer).encode())

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/v1", seen, behaviour
    server.shutdown()


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = shutil.which("chromium")
    need(path is not None, "Debian's chromium is not installed (apt-get install chromium)")
    return path


@pytest.fixture
def page(chromium_path, live_server):
    """A Playwright page in Debian's Chromium, pointed at the live test server."""
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API uses a loop
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        context = browser.new_context(locale="en-US", base_url=live_server.url)
        page = context.new_page()
        page.set_default_timeout(15000)
        yield page
        browser.close()
