"""Run the production pair: gunicorn on a loopback port and nginx in front of it.

    python scripts/serve_proxy.py     # `make serve-proxy`, after collectstatic and migrate

PROXY_BIND (default 127.0.0.1:8000) is where nginx listens for clients; GUNICORN_BIND
(default 127.0.0.1:8001) is where gunicorn listens for nginx only. deploy/nginx.conf is
filled in under a temporary directory. Both run in the foreground; SIGTERM or SIGINT stops
both, and either one exiting stops the other (docs/production.md, "Serving").
"""

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
TEMPLATE = BASE_DIR / "deploy" / "nginx.conf"
NGINX = os.environ.get("NGINX", shutil.which("nginx") or "/usr/sbin/nginx")


def render(*, listen: str, upstream: str, run: Path) -> str:
    text = TEMPLATE.read_text()
    for name, value in {"listen": listen, "upstream": upstream, "run": str(run)}.items():
        text = text.replace("{" + name + "}", value)
    return text


def main() -> int:
    listen = os.environ.get("PROXY_BIND", "127.0.0.1:8000")
    upstream = os.environ.get("GUNICORN_BIND", "127.0.0.1:8001")
    if not Path(NGINX).exists():
        sys.stderr.write(f"nginx not found ({NGINX}): apt-get install nginx-light\n")
        return 1
    run = Path(tempfile.mkdtemp(prefix="catalogue-nginx-"))
    config = run / "nginx.conf"
    config.write_text(render(listen=listen, upstream=upstream, run=run))
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "python:catalogue.gunicorn",
         "--bind", upstream],
        env={**os.environ, "GUNICORN_BIND": upstream},
    )  # fmt: skip
    nginx = subprocess.Popen([NGINX, "-c", str(config), "-p", str(run), "-e", "stderr"])
    sys.stderr.write(f"nginx on http://{listen} -> gunicorn on {upstream}\n")
    stopping = False

    def stop(signum, frame) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and gunicorn.poll() is None and nginx.poll() is None:
            time.sleep(0.2)
    finally:
        for process, sig in ((nginx, signal.SIGQUIT), (gunicorn, signal.SIGTERM)):
            if process.poll() is None:
                process.send_signal(sig)
        for process in (nginx, gunicorn):
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(run, ignore_errors=True)
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())
