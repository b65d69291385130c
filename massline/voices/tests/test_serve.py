"""`massline serve`: the web server and the task worker start, and stop, together."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

MASSLINE = [sys.executable, "-m", "massline"]


@pytest.fixture(scope="module")
def env(tmp_path_factory) -> dict[str, str]:
    """An install of its own: a fresh data folder with a migrated database."""
    env = {**os.environ, "MASSLINE_DATA_DIR": str(tmp_path_factory.mktemp("serve"))}
    subprocess.run([*MASSLINE, "migrate", "-v0"], env=env, check=True, timeout=180)  # noqa: S603
    return env


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str, timeout: float = 30):
    """The response once the server answers."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return urllib.request.urlopen(url, timeout=5)  # noqa: S310 (a local test server)
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def children(pid: int) -> dict[int, str]:
    """The processes started by ``pid``, with their command lines (Linux /proc)."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_text()
        except (OSError, IndexError, ValueError):
            continue  # the process ended while we looked
    return found


def test_serve_answers_pages_and_static_files_and_ctrl_c_stops_the_worker_too(env):
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [*MASSLINE, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert get(f"http://127.0.0.1:{port}/login/").status == 200
        css = get(f"http://127.0.0.1:{port}/static/massline/site.css")
        assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")
        workers = [pid for pid, cmd in children(server.pid).items() if "db_worker" in cmd]
        assert len(workers) == 1
        server.send_signal(signal.SIGINT)
        output, _ = server.communicate(timeout=60)
        assert server.returncode == 0, output
        assert "Stopped the server and the task worker" in output
        assert not Path(f"/proc/{workers[0]}").exists()
    finally:
        if server.poll() is None:
            server.kill()


def test_serve_says_so_when_the_port_is_taken_and_starts_no_worker(env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(  # noqa: S603
            [*MASSLINE, "serve", "--port", str(port)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode != 0
    assert f"Cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "worker" not in result.stdout
