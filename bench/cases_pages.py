#!/usr/bin/env python3
"""Case pages at a year's scale: the dashboard, the list behind a figure and the department
workbench, rendered over and over through Django's full request stack.

    .venv/bin/python bench/cases_pages.py [--voices 300000] [--requests 40] [--postgres]

Loads the demo city with ``--voices`` voices and their year of cases (``massline demo``:
bulk inserts) into a fresh database — SQLite in a temporary folder, or with ``--postgres``
a throwaway PostgreSQL (bench/pg.py) — then requests each page ``--requests`` times as
the user who would open it (the first request of each page is a warm-up, not counted) and
prints p50 and p95. Target: p95 < 300 ms. With ``MASSLINE_DATA_DIR`` (or ``DATABASE_URL``)
naming a database the demo is loaded in already, that one is measured again.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import pg  # noqa: E402  (bench/pg.py, standard library only)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--voices", type=int, default=300_000)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    if args.postgres and "DATABASE_URL" not in os.environ:
        with pg.throwaway_postgres() as url:
            env = {**os.environ, "DATABASE_URL": url}
            command = [sys.executable, __file__, "--voices", str(args.voices)]
            command += ["--requests", str(args.requests), "--postgres"]
            sys.exit(subprocess.run(command, env=env).returncode)
    os.environ.setdefault("MASSLINE_DATA_DIR", tempfile.mkdtemp(prefix="massline-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "massline.settings"
    import django

    django.setup()
    run(args)


def run(args) -> None:
    from datetime import timedelta
    from io import StringIO

    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from massline.cases.models import Case, Event

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    out = StringIO()
    call_command("demo", voices=args.voices, verbosity=0, stdout=out)
    loaded = time.perf_counter() - started
    how = "already there" if "already loaded" in out.getvalue() else f"loaded in {loaded:.0f} s"
    with connection.cursor() as cursor:  # the statistics a live database has (autovacuum)
        cursor.execute("ANALYZE")
    database = (
        connection.vendor + " " + ".".join(map(str, connection.Database.sqlite_version_info))
        if connection.vendor == "sqlite"
        else f"PostgreSQL {connection.pg_version // 10000}"
    )
    print(
        f"{database}: {args.voices:,} voices, {Case.objects.count():,} cases, "
        f"{Event.objects.count():,} events {how} (massline demo)",
        flush=True,
    )
    dashboard, figure_list = reverse("cases-figures"), reverse("cases-figures-list")
    pages = [
        ("dashboard, the whole city, 12 months by month", "operator", dashboard, {}),
        ("dashboard, a leader's district", "leader", dashboard, {}),
        ("dashboard, 8 weeks by week", "operator", dashboard, {"period": "week", "since": "-56"}),
        (
            "cases behind a figure (missed replies), page 1",
            "operator",
            figure_list,
            {"figure": "on_time", "part": "missed"},
        ),
        (
            "department workbench (district housing bureau)",
            "handler",
            reverse("case-workbench"),
            {},
        ),
    ]
    print(f"{'page':<52} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8}")
    for label, username, url, params in pages:
        client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
        client.force_login(User.objects.get(username=username))
        if params.get("since", "").startswith("-"):
            from datetime import timedelta

            from django.utils import timezone

            params = {
                **params,
                "since": str(timezone.localdate() + timedelta(days=int(params["since"]))),
            }
        times = []
        for i in range(args.requests + 1):
            with CaptureQueriesContext(connection) as queries:
                t = time.perf_counter()
                response = client.get(url, params)
                elapsed = (time.perf_counter() - t) * 1000
            assert response.status_code == 200, (url, response.status_code)
            if i:
                times.append(elapsed)
        p95 = statistics.quantiles(times, n=20)[-1]
        print(
            f"{label:<52} {statistics.median(times):8.0f} {p95:8.0f} {len(queries):8d}", flush=True
        )
    load = os.getloadavg()
    print(
        f"load average during the run: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} "
        f"on {os.cpu_count()} cores"
    )


if __name__ == "__main__":
    main()
