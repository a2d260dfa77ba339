"""A PostgreSQL cluster of a test's own, and the app's web server pointed at it.

The tests that limit, restart or overload PostgreSQL do it to a cluster they made themselves
(initdb in a temporary folder, a free port), never to the shared server the rest of the suite
uses. ``app_database`` migrates it and adds the demo people and workshops; ``app_server`` runs
the real web server on it; ``signed_in_cookie`` signs in through the login form, as a person does.
"""

import contextlib
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg

from tests.helpers import free_port, stop_process
from workshops.demo_content import DEMO_PASSWORD, SAM

REPO_ROOT = Path(__file__).resolve().parent.parent
POSTGRES_BIN = Path("/usr/lib/postgresql/15/bin")
WAIT_SECONDS = 30


def _as_postgres(command):
    """PostgreSQL refuses to run as root, so under root its commands run as the postgres user."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *map(str, command)]
    return [str(part) for part in command]


@dataclass
class PostgresCluster:
    data: Path
    port: int

    def url(self, database="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *args, timeout=WAIT_SECONDS):
        subprocess.run(
            _as_postgres([POSTGRES_BIN / "pg_ctl", "-D", self.data, "-w", "-t", timeout, *args]),
            check=True,
            capture_output=True,
            timeout=timeout + 10,
        )

    def restart(self):
        """Stops at once, cutting every connection (as a failover or an upgrade does), and
        returns once the server accepts connections again."""
        # The same log file: a server writing to pg_ctl's output would keep it open for good.
        self.pg_ctl("restart", "-m", "fast", "-l", self.data.parent / "postgres.log")

    def connections(self, database="coprod"):
        """Client connections open now to ``database`` (so not this one, nor the backends of
        earlier calls that are still closing)."""
        with psycopg.connect(self.url(), autocommit=True) as connection:
            return connection.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE backend_type = 'client backend' AND datname = %s",
                [database],
            ).fetchone()[0]


@contextlib.contextmanager
def postgres_cluster(*, max_connections=20):
    """A new cluster on a free loopback port, stopped and removed afterwards. With
    ``max_connections`` small, it refuses the next client with "too many clients already"."""
    data = Path(tempfile.mkdtemp(prefix="coprod-pg-"))
    if os.geteuid() == 0:
        shutil.chown(data, "postgres", "postgres")
    cluster = PostgresCluster(data=data / "data", port=free_port())
    subprocess.run(
        _as_postgres(
            [POSTGRES_BIN / "initdb", "-D", cluster.data, "-U", "postgres", "-A", "trust"]
            + ["-E", "UTF8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
        timeout=60,
    )
    options = (
        f"-p {cluster.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={data} "
        f"-c max_connections={max_connections} -c superuser_reserved_connections=0 "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    )
    try:
        cluster.pg_ctl("start", "-l", data / "postgres.log", "-o", options)
        yield cluster
    finally:
        with contextlib.suppress(subprocess.SubprocessError):
            cluster.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(data, ignore_errors=True)


def _app_env(database_url, **extra):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "coprod.settings.test",
        "DATABASE_URL": database_url,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    # Tasks in-process and the in-memory channel layer: nothing shared with other runs.
    for name in ("REDIS_URL", "CELERY_BROKER_URL", "DEBUG"):
        env.pop(name, None)
    env.update({name: str(value) for name, value in extra.items()})
    return env


def app_database(cluster):
    """The app's database on ``cluster``: migrated, with the demo people and workshops. Returns
    its URL and the path of a module page that Sam (a family-carer co-trainer) may see."""
    with psycopg.connect(cluster.url(), autocommit=True) as connection:
        connection.execute("CREATE DATABASE coprod")
    url = cluster.url("coprod")
    env = _app_env(url)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=REPO_ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=120,
        )
    with psycopg.connect(url) as connection:
        module_id = connection.execute(
            "SELECT min(id) FROM workshops_module WHERE deleted_at IS NULL"
        ).fetchone()[0]
    return url, f"/modules/{module_id}/"


@dataclass
class AppServer:
    port: int
    process: subprocess.Popen
    log_path: Path

    def log(self):
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def app_server(database_url, log_dir, *, server="gunicorn", **env):
    """The app's web server (``gunicorn`` or ``daphne``) on a free loopback port, with the
    settings a deployment uses for its database (the pool on); ``env`` adds or overrides
    variables. Stopped afterwards."""
    port = free_port()
    if server == "gunicorn":
        command = ["-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
        command += ["coprod.wsgi:application"]
    else:
        command = ["-m", "daphne", "--bind", "127.0.0.1", "--port", str(port)]
        command += ["coprod.asgi:application"]
    log_path = Path(log_dir) / f"{server}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, *command],
            cwd=REPO_ROOT,
            env=_app_env(database_url, **env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    running = AppServer(port=port, process=process, log_path=log_path)
    try:
        _wait_until_answering(running)
        yield running
    finally:
        stop_process(process)


def _wait_until_answering(server):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"The web server stopped:\n{server.log()}")
        # Answering, not just listening: gunicorn listens before its workers have loaded the app.
        with contextlib.suppress(OSError):
            if get(server.port, "/accounts/login/", timeout=WAIT_SECONDS)[0] == 200:
                return
        time.sleep(0.2)
    raise RuntimeError(f"The web server did not answer within {WAIT_SECONDS} s:\n{server.log()}")


def get(port, path, cookie="", timeout=10):
    """One GET on a new connection: the status, the headers and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        connection.close()


def _cookies(headers):
    return dict(
        re.match(r"([^=]+)=([^;]*)", value).groups()
        for name, value in headers
        if name.lower() == "set-cookie"
    )


def signed_in_cookie(port, email=SAM, password=DEMO_PASSWORD):
    """Signs in through the login form and returns the Cookie header that keeps the session."""
    status, headers, body = get(port, "/accounts/login/")
    assert status == 200, body[:500]
    csrf = _cookies(headers)["csrftoken"]
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode({"csrfmiddlewaretoken": token, "username": email, "password": password})
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=WAIT_SECONDS)
    try:
        connection.request(
            "POST",
            "/accounts/login/",
            body=form,
            headers={
                "Cookie": f"csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{port}/accounts/login/",
            },
        )
        response = connection.getresponse()
        response.read()
        assert response.status == 302, response.status
        session = _cookies(response.getheaders())["sessionid"]
    finally:
        connection.close()
    return f"csrftoken={csrf}; sessionid={session}"
