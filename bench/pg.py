#!/usr/bin/env python3
"""A throwaway PostgreSQL server for CI and benchmarks, owned by this process.

    python3 bench/pg.py COMMAND ...   # run COMMAND with DATABASE_URL set, then stop the server

Uses Debian's server binaries (``apt-get install postgresql``, newest version under
/usr/lib/postgresql). The cluster lives in a temporary folder owned by the ``postgres``
user (PostgreSQL refuses to run as root), listens only on 127.0.0.1 on a free port, and
runs with ``fsync=off`` unless asked to be durable: fast and disposable, never for real
data. The role it creates may create databases, as pytest-django needs for its ``test_…`` database.

Standard library only, so CI can call it with the system Python before any venv exists.
"""

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

ROLE = "massline"
DATABASE = "massline"


def server_bin() -> Path:
    """The bin folder of the newest PostgreSQL server installed the Debian way."""
    versions = sorted(
        (p for p in Path("/usr/lib/postgresql").glob("*/bin") if (p / "postgres").exists()),
        key=lambda p: int(p.parent.name),
    )
    if not versions:
        sys.exit("No PostgreSQL server here: apt-get install -y postgresql")
    return versions[-1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(*command: str | Path, **kwargs) -> subprocess.CompletedProcess:
    # runuser only exists for root; an ordinary user simply runs the server as itself.
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    return subprocess.run([*prefix, *map(str, command)], check=True, **kwargs)


@contextlib.contextmanager
def throwaway_postgres(durable: bool = False) -> Iterator[str]:
    """Start a private server, create a role and a database, yield its DATABASE_URL, stop it.

    ``durable`` keeps PostgreSQL's own crash-safety settings (fsync, synchronous commit), as
    a benchmark of "received means stored" must; tests skip them for speed.
    """
    bin_, port, password = server_bin(), free_port(), secrets.token_hex(16)
    home = Path(tempfile.mkdtemp(prefix="massline-pg-"))
    if os.geteuid() == 0:
        shutil.chown(home, "postgres", "postgres")
    data, log = home / "data", home / "server.log"
    quiet = {"stdout": subprocess.DEVNULL}
    try:
        initdb = "-U postgres -E UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256"
        _as_postgres(bin_ / "initdb", "-D", data, *initdb.split(), **quiet)
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={home} "
            "-c max_connections=200"
        )
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        _as_postgres(bin_ / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start", **quiet)
        try:
            create = [
                f"CREATE ROLE {ROLE} LOGIN CREATEDB PASSWORD '{password}'",
                f"CREATE DATABASE {DATABASE} OWNER {ROLE}",
            ]
            _as_postgres(
                *(bin_ / "psql", "-h", home, "-p", port, "-U", "postgres", "-d", "postgres"),
                *("-v", "ON_ERROR_STOP=1", "-q"),
                *(arg for sql in create for arg in ("-c", sql)),
                **quiet,
            )
            yield f"postgres://{ROLE}:{password}@127.0.0.1:{port}/{DATABASE}"
        finally:
            _as_postgres(bin_ / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop", **quiet)
    except subprocess.CalledProcessError:
        if log.exists():
            print(log.read_text(), file=sys.stderr)
        raise
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    # A TERM from CI's time limit must still stop the server (the finally blocks run).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    with throwaway_postgres() as url:
        print(f"PostgreSQL ({server_bin().parent.name}) on {url.rsplit('@', 1)[1]}", flush=True)
        status = subprocess.run(sys.argv[1:], env={**os.environ, "DATABASE_URL": url}).returncode
    sys.exit(status)


if __name__ == "__main__":
    main()
