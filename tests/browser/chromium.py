"""Where Debian's chromium is and how every browser test starts it (never `playwright install`)."""

import os
from pathlib import Path

from django.db import connection

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
# A folder per database: `make test` runs the SQLite and PostgreSQL suites at once, and the
# same screenshot from both must not be written to one file.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / connection.vendor
# Without the background-networking flags chromium keeps dialling hosts this closed network
# refuses.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
