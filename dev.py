#!/usr/bin/env python3
"""The two commands: ``python3 dev.py demo`` and ``python3 dev.py test``.

Needs only Python 3.11 and pip. Creates ``.venv`` (once, and again when pyproject.toml
changes), installs massline into it, then:

  demo  migrate, generate the demo city (first time only), print the demo accounts,
        start the background worker and serve http://127.0.0.1:8000
  test  run the whole test suite (extra arguments go to pytest)
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
STAMP = VENV / ".dev-installed"


def ensure_venv() -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py may be run by an older python3
        sys.exit(f"massline needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print("Creating .venv …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        print("Installing massline and its dependencies into .venv …", flush=True)
        subprocess.run(
            [BIN / "python", "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True
        )
        STAMP.write_text(wanted)


def main() -> None:
    command, args = (sys.argv[1], sys.argv[2:]) if len(sys.argv) > 1 else ("", [])
    if command not in ("demo", "test"):
        sys.exit(__doc__)
    ensure_venv()
    os.chdir(ROOT)
    if command == "demo":
        massline = [str(BIN / "massline")]
        subprocess.run([*massline, "migrate", "--no-input", "-v", "1"], check=True)
        subprocess.run([*massline, "demo", *args], check=True)
        os.execv(massline[0], [*massline, "serve"])
    os.execv(BIN / "python", [BIN / "python", "-m", "pytest", *args])


if __name__ == "__main__":
    main()
