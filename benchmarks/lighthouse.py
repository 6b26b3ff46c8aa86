"""Lighthouse's mobile scores for the pages people open most: the login page, a mentee's home
and the coordinator's home.

Why it exists: issue 12 asks that these pages keep Lighthouse performance ≥ 95 and
accessibility 100 on a phone. This script seeds the demo program into a temporary SQLite
database, serves the app with gunicorn on a free port (as in production: compressed responses,
fingerprinted static files), logs the demo mentee and coordinator in, and runs Lighthouse 12
(mobile preset: a mid-range phone on a slow 4G line) against each page with the session cookie
passed in ``--extra-headers``. It prints performance, accessibility, LCP, TBT and CLS per page
and whether the targets are met; the exit status is 1 when one is not. A run that fails
(Lighthouse exits non-zero, writes no report or cannot load the page) is named with the last
lines of Lighthouse's stderr, the other runs go on, the table shows what succeeded, and the
exit status is 1.

It is not a test and does not run in CI: it needs Node.js, npm and Chromium. Lighthouse is
installed once under ``--cache`` (default /tmp/waypoint-lighthouse) with ``npm install``;
Chromium is Debian's (``CHROME_PATH``, default /usr/bin/chromium).

Run: ``.venv/bin/python benchmarks/lighthouse.py`` (``--keep`` leaves the JSON reports in the
cache folder; ``--runs 3`` takes each page's median).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "waypoint-demo-2026"  # app/demo.py
MENTEE = "aisha@example.org"
COORDINATOR = "coordinator@example.org"
CACHE = Path(tempfile.gettempdir()) / "waypoint-lighthouse"
TARGETS = {"performance": 95, "accessibility": 100}


def lighthouse(cache: Path) -> Path:
    """The Lighthouse 12 command line, installed under ``cache`` unless it is there already."""
    command = cache / "node_modules" / ".bin" / "lighthouse"
    if not command.exists():
        print(f"Installing Lighthouse 12 into {cache} …", flush=True)
        cache.mkdir(parents=True, exist_ok=True)
        npm = shutil.which("npm") or sys.exit("Lighthouse needs Node.js and npm.")
        subprocess.run(  # noqa: S603 (a fixed command)
            [npm, "install", "--prefix", str(cache), "--no-audit", "--no-fund", "lighthouse@12"],
            check=True,
        )
    return command


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def serve(folder: Path, port: int) -> tuple[subprocess.Popen, dict[str, str]]:
    """The demo program in a fresh database, served by gunicorn (2 workers, 4 threads each)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'waypoint.sqlite3'}",
        "SECRET_KEY": "lighthouse-only",
        "WAYPOINT_ENV": "development",
    }
    env.pop("FLASK_DEBUG", None)
    for step in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run(  # noqa: S603 (a fixed command)
            [BIN / "flask", "--app", "wsgi", *step],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
    server = subprocess.Popen(  # noqa: S603 (a fixed command)
        [BIN / "gunicorn", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            requests.get(f"{base}/login", timeout=10)
            break
        except requests.RequestException:
            time.sleep(0.1)
    return server, env


def session_cookie(base: str, email: str) -> str:
    """Log in through the login form; the ``Cookie`` header a logged-in browser sends."""
    browser = requests.Session()
    page = browser.get(f"{base}/login").text
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', page)[1]
    answer = browser.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": DEMO_PASSWORD},
        allow_redirects=False,
    )
    assert answer.status_code == 303, f"logging {email} in: {answer.status_code}"
    return "; ".join(f"{name}={value}" for name, value in browser.cookies.items())


class RunFailed(Exception):
    """One Lighthouse run that gave no scores: why, in Lighthouse's own words when it has any."""


def last_lines(text: str, count: int = 8) -> str:
    return "\n".join(text.strip().splitlines()[-count:])


def audit(command: Path, chrome: str, url: str, cookie: str | None, out: Path) -> dict:
    arguments = [
        str(command),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        "--only-categories=performance,accessibility",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]
    if cookie:
        arguments.append(f"--extra-headers={json.dumps({'Cookie': cookie})}")
    environment = {**os.environ, "CHROME_PATH": chrome}
    out.unlink(missing_ok=True)  # with --keep, never read an earlier run's report
    finished = subprocess.run(  # noqa: S603 (our own arguments)
        arguments, env=environment, stderr=subprocess.PIPE, text=True, check=False
    )
    if finished.returncode:
        raise RunFailed(
            f"Lighthouse exited with status {finished.returncode}:\n"
            + (last_lines(finished.stderr) or "(nothing on stderr)")
        )
    try:
        report = json.loads(out.read_text())
    except (OSError, ValueError) as error:
        raise RunFailed(f"no readable report at {out}: {error}") from error
    if report.get("runtimeError"):
        raise RunFailed(f"Lighthouse could not load the page: {report['runtimeError']}")
    if report.get("finalDisplayedUrl", url) != url:
        raise RunFailed(f"the page ended at {report['finalDisplayedUrl']}: not logged in?")
    audits = report["audits"]
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "LCP ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "TBT ms": round(audits["total-blocking-time"]["numericValue"]),
        "CLS": round(audits["cumulative-layout-shift"]["numericValue"], 3),
    }


def median(runs: list[dict]) -> dict:
    return {key: statistics.median(run[key] for run in runs) for key in runs[0]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=CACHE)
    parser.add_argument("--chrome", default=os.environ.get("CHROME_PATH", "/usr/bin/chromium"))
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the JSON reports")
    args = parser.parse_args()
    command = lighthouse(args.cache)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="waypoint-lighthouse-") as folder:
        server, _ = serve(Path(folder), port)
        try:
            pages = {
                "login page": (f"{base}/login", None),
                "mentee home": (f"{base}/", session_cookie(base, MENTEE)),
                "coordinator home": (f"{base}/", session_cookie(base, COORDINATOR)),
            }
            results, failures = {}, 0
            for name, (url, cookie) in pages.items():
                runs = []
                for run in range(args.runs):
                    slug = name.replace(" ", "-")
                    out = (args.cache if args.keep else Path(folder)) / f"{slug}-{run}.json"
                    try:
                        runs.append(audit(command, args.chrome, url, cookie, out))
                    except RunFailed as failure:
                        failures += 1
                        print(
                            f"FAILED: {name}, run {run + 1} of {args.runs} ({url}): {failure}",
                            file=sys.stderr,
                            flush=True,
                        )
                results[name] = (median(runs) if runs else None, len(runs))
        finally:
            server.terminate()
            server.wait()
    print(f"\n{'page':<18} {'perf':>5} {'a11y':>5} {'LCP ms':>7} {'TBT ms':>7} {'CLS':>6}  targets")
    missed = False
    for name, (scores, succeeded) in results.items():
        if scores is None:
            print(f"{name:<18} {'no run succeeded':>34}  MISSED")
            missed = True
            continue
        met = all(scores[key] >= floor for key, floor in TARGETS.items())
        missed |= not met
        runs = "" if succeeded == args.runs else f" (median of {succeeded} of {args.runs} runs)"
        print(
            f"{name:<18} {scores['performance']:>5g} {scores['accessibility']:>5g} "
            f"{scores['LCP ms']:>7g} {scores['TBT ms']:>7g} {scores['CLS']:>6g}  "
            f"{'met' if met else 'MISSED'}{runs}"
        )
    print("targets: performance ≥ 95, accessibility 100 (Lighthouse 12, mobile preset)")
    if failures:
        print(f"{failures} of {len(pages) * args.runs} Lighthouse runs failed (see above)")
    sys.exit(1 if missed or failures else 0)


if __name__ == "__main__":
    main()
