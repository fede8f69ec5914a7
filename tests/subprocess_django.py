"""Run a snippet of Python in a fresh Django process of the marketplace.

Settings are read once per process, so behaviour that depends on the
environment at start-up (production defaults, shims switched off) is tested
in a child process.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def run_django(code, env=None, settings_module="marketplace.settings", setup=True):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DEBUG", "DEMO_MODE", "MARKETPLACE_DISABLE_SHIMS"}
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "PYTHONPATH": str(BASE_DIR),
            "SECRET_KEY": environment.get("SECRET_KEY", "a" * 50),
        }
    )
    environment.update(env or {})
    environment = {k: v for k, v in environment.items() if v is not None}
    prelude = "import django\ndjango.setup()\n" if setup else ""
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        env=environment,
        timeout=120,
        check=False,
    )
