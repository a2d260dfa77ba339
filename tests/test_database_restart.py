"""The database restarted under a page loop: the web server comes back by itself.

A restart cuts every connection in the web processes' pools. Pages may fail while PostgreSQL is
down, but once it answers again pages must be served within a few seconds, and none after that
may fail on a connection the restart broke: the pool checks a connection before handing it out.
"""

import threading
import time

from tests.private_postgres import app_database, app_server, get, postgres_cluster, signed_in_cookie

# Seconds: how soon pages must come back after PostgreSQL does, and how long they are watched.
RECOVERY = 5
WATCH = 5


class PageLoop(threading.Thread):
    """Loads one page after another, noting (time, status) for each; a refused or broken
    connection counts as status 0. ``paused`` holds it between two pages. Bounded: it stops
    by itself after ``limit`` seconds."""

    def __init__(self, port, path, cookie, limit=60):
        super().__init__(daemon=True)
        self.request = (port, path, cookie)
        self.deadline = time.monotonic() + limit
        self.results = []
        self.running, self.stopped = threading.Event(), threading.Event()
        self.running.set()

    def run(self):
        while not self.stopped.is_set() and time.monotonic() < self.deadline:
            if not self.running.wait(timeout=1):
                continue
            try:
                status = get(*self.request, timeout=RECOVERY + 5)[0]
            except OSError:
                status = 0
            self.results.append((time.monotonic(), status))

    def since(self, moment):
        return [(at, status) for at, status in self.results if at > moment]


def test_database_restart_under_a_page_loop_recovers_with_no_stuck_errors(tmp_path):
    with postgres_cluster() as cluster:
        database_url, module_path = app_database(cluster)
        # Two processes, each with a pool kept full: broken connections wait in both.
        pool = {"DATABASE_POOL_MIN_SIZE": 2, "DATABASE_POOL_MAX_SIZE": 2}
        with app_server(database_url, tmp_path, server="gunicorn", **pool) as web:
            loop = PageLoop(web.port, module_path, signed_in_cookie(web.port))
            loop.start()
            time.sleep(2)
            # Mid-loop: pages are asked for while the server goes down and comes back.
            cluster.restart()
            back_at = time.monotonic()
            time.sleep(WATCH)
            # Between two pages: the next pages meet only connections the restart broke.
            loop.running.clear()
            time.sleep(0.5)
            cluster.restart()
            quiet_back_at = time.monotonic()
            loop.running.set()
            time.sleep(WATCH)
            loop.stopped.set()
            loop.join(timeout=30)
            log = web.log()

    assert {status for at, status in loop.results if at < back_at - 1} == {200}, log[-3000:]
    after = [(at, status) for at, status in loop.since(back_at) if at < quiet_back_at]
    first_ok = next((at for at, status in after if status == 200), None)
    assert first_ok is not None and first_ok - back_at < RECOVERY, (after[:20], log[-3000:])
    # From the first good page on, no connection broken by the restart is handed out.
    assert {status for at, status in after if at >= first_ok} == {200}, (after, log[-3000:])
    after_quiet = [status for at, status in loop.since(quiet_back_at)]
    assert len(after_quiet) > 10
    assert set(after_quiet) == {200}, (after_quiet, log[-3000:])
