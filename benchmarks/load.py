"""Load on the running stack: signed-in people loading pages while others save sections.

    scripts/run-stack --demo                  # in another terminal; PORT=8000 by default
    .venv/bin/python benchmarks/load.py --connections 64 --duration 60 --savers 10

Signs in through the login form as demo co-trainers (``seed_demo``), finds a module, its
workshop and the organisation's contribution log by following the pages' links, then runs three
wrk processes at once, one per page, sharing ``--connections`` between them, each with a
signed-in session's cookie. Meanwhile ``--savers`` people, each with a session of their own,
save a section of their own through the edit form (open the form, change the text, save, look
at the page it sends them to) every ``--think`` seconds, as people do.

wrk and the savers run pinned to one core (``--core``, with taskset and sched_setaffinity) so
the load generator takes at most that core from the server; the stack's processes are not
pinned. Prints req/s, p50 and p99 per page, the errors (any answer other than 2xx/3xx, and
socket errors: refused, broken or timed out) and the saves' figures. Exits non-zero on an
error. Loopback only; bounded by ``--duration``.
"""

import argparse
import os
import platform
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar, DefaultCookiePolicy

import common

PASSWORD = "coprod-demo-2026"
# Demo co-trainers of one organisation, in turn; people may have more than one session.
PEOPLE = [
    "sam.carer@example.org",
    "tom.nurse@example.org",
    "josie.carer@example.org",
    "anita.psychologist@example.org",
    "helen.lead@example.org",
]


class LoopbackPolicy(DefaultCookiePolicy):
    """The stack runs production settings over plain HTTP, so its cookies are marked secure;
    a browser on localhost sends them anyway, and so does this."""

    def return_ok_secure(self, cookie, request):
        return True


class Person:
    """One signed-in browser: its own cookies, following redirects."""

    def __init__(self, base, email):
        self.base = base
        self.jar = CookieJar(LoopbackPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        page = self.get("/accounts/login/")
        self.post("/accounts/login/", {"username": email, "password": PASSWORD}, page)
        if "sessionid" not in self.cookies():
            sys.exit(f"Could not sign in as {email}: is the stack running with --demo?")

    def cookies(self):
        return {cookie.name: cookie.value for cookie in self.jar}

    def cookie_header(self):
        return "; ".join(f"{name}={value}" for name, value in self.cookies().items())

    def get(self, path):
        request = urllib.request.Request(self.base + path)
        with self.opener.open(request, timeout=30) as response:
            return response.read().decode()

    def post(self, path, fields, form_page):
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form_page).group(1)
        body = urllib.parse.urlencode({**fields, "csrfmiddlewaretoken": token}, doseq=True)
        request = urllib.request.Request(
            self.base + path,
            data=body.encode(),
            headers={"Referer": self.base + path},
        )
        with self.opener.open(request, timeout=30) as response:
            return response.status, response.read().decode()


def first_link(page, pattern):
    match = re.search(pattern, page)
    if not match:
        sys.exit(f"No link like {pattern!r} on the page.")
    return match.group(0)


def find_pages(person):
    """The module, workshop and log pages of the first workshop the person sees."""
    home = person.get("/")
    workshop = first_link(home, r"/workshops/\d+/")
    module = first_link(person.get(workshop), r"/modules/\d+/")
    log = first_link(home, r"/o/\d+/log/")
    return {"module": module, "workshop": workshop, "log": log}


class Saver(threading.Thread):
    """A person saving a section of their own again and again until ``stop``."""

    def __init__(self, person, module, index, think, stop):
        super().__init__(daemon=True)
        self.person, self.think, self.stop = person, think, stop
        self.index = index
        self.timings_ms, self.errors = [], []
        form = person.get(f"{module}sections/new/")
        fields = {
            "title": f"Notes from the load test, {index + 1}",
            "kind": "explanation",
            "audience": "everyone",
            "body": "A first line.",
        }
        self.person.post(f"{module}sections/new/", fields, form)
        page = person.get(module)
        edits = re.findall(r"/sections/(\d+)/edit/", page)
        self.edit = f"/sections/{max(map(int, edits))}/edit/"
        self.fields = fields

    def save_once(self, count):
        form = self.person.get(self.edit)
        version = re.search(r'name="based_on_version" value="(\d+)"', form).group(1)
        body = f"{self.fields['body']}\n\nSaved {count} times by person {self.index + 1}."
        fields = {**self.fields, "body": body, "based_on_version": version}
        start = time.perf_counter()
        status, page = self.person.post(self.edit, fields, form)
        self.timings_ms.append((time.perf_counter() - start) * 1000)
        if status != 200 or "Saved. This is version" not in page:
            self.errors.append(f"status {status}")

    def run(self):
        count = 0
        while not self.stop.is_set():
            count += 1
            try:
                self.save_once(count)
            except (urllib.error.URLError, OSError) as error:
                self.errors.append(str(error))
            self.stop.wait(self.think)


def wrk(base, path, cookie, *, connections, duration, core):
    command = ["wrk", "-t1", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "10s"]
    command += ["-H", f"Cookie: {cookie}", base + path]
    return subprocess.run(
        ["taskset", "-c", str(core), *command],
        capture_output=True,
        text=True,
        timeout=duration + 60,
        check=True,
    ).stdout


def milliseconds(text):
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60000}[unit]


def parse_wrk(output):
    """req/s, p50, p99 and errors from wrk's report."""
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)", output, re.MULTILINE))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output).group(1)),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "p50": milliseconds(latency["50"]),
        "p99": milliseconds(latency["99"]),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "socket_errors": sum(map(int, sockets.groups())) if sockets else 0,
        "errors_text": sockets.group(0) if sockets else "",
    }


def share(total, parts):
    return [total // parts + (1 if index < total % parts else 0) for index in range(parts)]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--connections", type=int, default=64, help="shared by the three pages")
    parser.add_argument("--duration", type=int, default=60, help="seconds")
    parser.add_argument("--savers", type=int, default=10)
    parser.add_argument("--think", type=float, default=2.0, help="seconds between a saver's saves")
    parser.add_argument("--core", type=int, default=1, help="the core wrk and the savers run on")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    base = args.url.rstrip("/")
    os.sched_setaffinity(0, {args.core})

    readers = [Person(base, email) for email in PEOPLE[:3]]
    pages = find_pages(readers[0])
    stop = threading.Event()
    savers = [
        Saver(Person(base, PEOPLE[index % len(PEOPLE)]), pages["module"], index, args.think, stop)
        for index in range(args.savers)
    ]
    for saver in savers:
        saver.start()
    with ThreadPoolExecutor(max_workers=3) as pool:
        runs = {
            name: pool.submit(
                wrk,
                base,
                path,
                readers[index].cookie_header(),
                connections=connections,
                duration=args.duration,
                core=args.core,
            )
            for (index, (name, path)), connections in zip(
                enumerate(pages.items()), share(args.connections, 3), strict=True
            )
        }
        results = {name: parse_wrk(run.result()) for name, run in runs.items()}
    stop.set()
    for saver in savers:
        saver.join(timeout=60)
    report(args, pages, results, savers)


def report(args, pages, results, savers):
    saves = [ms for saver in savers for ms in saver.timings_ms]
    save_errors = [error for saver in savers for error in saver.errors]
    print(
        f"{args.connections} connections for {args.duration} s across three pages "
        f"(wrk and {args.savers} savers pinned to core {args.core}); {args.url}"
    )
    print("| page | path | connections | requests | req/s | p50 | p99 | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for (name, figures), connections in zip(
        results.items(), share(args.connections, 3), strict=True
    ):
        print(
            f"| {name} | `{pages[name]}` | {connections} | {figures['requests']} | "
            f"{figures['rps']:.1f} | {figures['p50']:.0f} ms | {figures['p99']:.0f} ms | "
            f"{figures['non_2xx'] + figures['socket_errors']} |"
        )
    if saves:
        print(
            f"| section save (POST) | `{savers[0].edit}` … | {args.savers} people | {len(saves)} | "
            f"{len(saves) / args.duration:.1f} | {common.percentile(saves, 0.5):.0f} ms | "
            f"{common.percentile(saves, 0.99):.0f} ms | {len(save_errors)} |"
        )
    print(
        f"machine: {os.cpu_count()} CPUs, {common.cpu_model()}, Python {platform.python_version()}"
    )
    errors = len(save_errors)
    for name, figures in results.items():
        errors += figures["non_2xx"] + figures["socket_errors"]
        if figures["non_2xx"] + figures["socket_errors"]:
            print(f"{name}: {figures['non_2xx']} answers not 2xx/3xx; {figures['errors_text']}")
    if errors:
        print(f"{errors} errors; the savers': {save_errors[:5]}")
        sys.exit(1)


if __name__ == "__main__":
    main()
