"""Loopback load run: requests per second and latency of the pages under gunicorn, per worker model.

    .venv/bin/python bench/load.py --database postgres://postgres@127.0.0.1:5432/test_cbec_bench \
        --configs sync:2,sync:4,gthread:2x4 --seconds 15

For each gunicorn configuration (``sync:N`` — N sync workers; ``gthread:NxT`` — N workers of T
threads) it starts gunicorn on 127.0.0.1 against the given database (production settings, DEBUG
off, the counts cache in Redis), signs in as the page's user through the login form, then runs
``wrk`` (Debian's package) against each page for a fixed time with a fixed number of connections:
requests per second, median and p95 latency, and the responses that were not 200. Bounded: one
page at a time, ``--connections`` connections, ``--seconds`` seconds. ``--app-dir`` runs another
checkout's code (the same database): the before/after of a change, side by side.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGES = [
    ("overdue board", "supervisor", "/overdue/"),
    ("liaison home", "liaison-commerce", "/"),
    ("milestone list", "liaison-commerce", "/milestones/"),
    ("district board", "district-sip", "/overdue/"),
    ("milestone list API", "liaison-commerce", "/api/v1/milestones/"),
]
# wrk reports percentiles through its Lua hook: the median and the 95th, in milliseconds.
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("CBEC p50=%.2f p95=%.2f requests=%d errors=%d\\n",
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, summary.requests,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""


def gunicorn_args(config: str, port: int) -> list[str]:
    model, _, size = config.partition(":")
    if model == "sync":
        return ["--workers", size, "--worker-class", "sync"]
    if model == "gthread":
        workers, _, threads = size.partition("x")
        return ["--workers", workers, "--worker-class", "gthread", "--threads", threads]
    raise SystemExit(f"unknown configuration {config!r}: sync:N or gthread:NxT")


def collect_static(app_dir: Path, env: dict) -> None:
    """As a deployment does (the production settings serve hashed files from STATIC_ROOT)."""
    subprocess.run(  # noqa: S603 - our own manage.py
        [str(app_dir / ".venv" / "bin" / "python"), "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=app_dir,
        env=env,
        check=True,
    )


def passwords_set(app_dir: Path, env: dict, usernames: set[str], password: str) -> None:
    """The benchmark database's accounts were made under the test settings' fast hasher, which the
    production settings do not accept: set the measured users' passwords with the production one."""
    code = (
        "from django.contrib.auth import get_user_model\n"
        f"for user in get_user_model().objects.filter(username__in={sorted(usernames)!r}):\n"
        f"    user.set_password({password!r}); user.save(update_fields=['password'])\n"
    )
    subprocess.run(  # noqa: S603 - our own manage.py
        [str(app_dir / ".venv" / "bin" / "python"), "manage.py", "shell", "--no-imports", "-c", code],
        cwd=app_dir,
        env=env,
        check=True,
    )


def start(config: str, port: int, app_dir: Path, env: dict) -> subprocess.Popen:
    command = [
        str(app_dir / ".venv" / "bin" / "gunicorn"),
        "cbec_tracker.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--timeout",
        "120",
        *gunicorn_args(config, port),
    ]
    server = subprocess.Popen(command, cwd=app_dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)  # noqa: S603
    for _ in range(120):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit(f"gunicorn ({config}) did not answer: {server.stderr.read().decode()[-2000:]}")


def sign_in(port: int, username: str, password: str) -> str:
    """The Cookie header of a session signed in through the login form."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login = f"http://127.0.0.1:{port}/accounts/login/"
    page = opener.open(login).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token})
    # Production cookies are Secure: over plain loopback HTTP the jar keeps them but does not send
    # them, so the CSRF cookie goes along by hand.
    sent = "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)
    opener.open(urllib.request.Request(login, data=data.encode(), headers={"Referer": login, "Cookie": sent}))
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "sessionid" not in cookies:
        raise SystemExit(f"could not sign in as {username}")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def hammer(port: int, path: str, cookie: str, seconds: int, connections: int, script: str) -> dict:
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        [
            shutil.which("wrk") or "/usr/bin/wrk",
            "-t1",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "30s",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            f"http://127.0.0.1:{port}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    figures = dict(re.findall(r"(\w+)=([\d.]+)", output.split("CBEC", 1)[1]))
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": rate,
        "p50": float(figures["p50"]),
        "p95": float(figures["p95"]),
        "requests": int(figures["requests"]),
        "errors": int(figures["errors"]) + (int(bad.group(1)) if bad else 0),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True, help="DATABASE_URL of a benchmark database (--keep)")
    parser.add_argument("--configs", default="sync:2,sync:4,gthread:2x4")
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--password", default="bench-password-2026")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/12")
    parser.add_argument("--app-dir", default=str(ROOT), help="the checkout whose code gunicorn runs")
    parser.add_argument("--pages", default="", help="comma-separated page names (default: all)")
    args = parser.parse_args()
    app_dir = Path(args.app_dir).resolve()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="cbec_tracker.settings",
        DATABASE_URL=args.database,
        REDIS_URL=args.redis,
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="0",
    )
    wanted = {name.strip() for name in args.pages.split(",") if name.strip()}
    pages = [page for page in PAGES if not wanted or page[0] in wanted]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT)
        script = handle.name
    env["STATIC_ROOT"] = tempfile.mkdtemp(prefix="cbec-static-")
    collect_static(app_dir, env)
    passwords_set(app_dir, env, {user for _name, user, _path in pages}, args.password)
    print(f"code: {app_dir} · {args.connections} connections · {args.seconds} s a page · {os.cpu_count()} cores")
    results = {}
    for number, config in enumerate(args.configs.split(",")):
        port = 18100 + number
        server = start(config, port, app_dir, env)
        try:
            cookies = {}
            for name, username, path in pages:
                if username not in cookies:
                    cookies[username] = sign_in(port, username, args.password)
                hammer(port, path, cookies[username], 2, args.connections, script)  # warm up every worker
                results[(config, name)] = figures = hammer(
                    port, path, cookies[username], args.seconds, args.connections, script
                )
                print(
                    f"  {config:12} {name:22} {figures['rps']:7.1f} req/s  median {figures['p50']:7.1f} ms"
                    f"  p95 {figures['p95']:7.1f} ms  {figures['requests']:6d} requests  {figures['errors']} not 200",
                    flush=True,
                )
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
    os.unlink(script)
    configs = args.configs.split(",")
    print(f"\n{'requests per second':24}" + "".join(f"{c:>14}" for c in configs))
    for name, _user, _path in pages:
        print(f"{name:24}" + "".join(f"{results[(c, name)]['rps']:14.1f}" for c in configs))


if __name__ == "__main__":
    sys.exit(main())
