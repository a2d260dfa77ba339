"""Server time of the evaluation results pages and of answering: 50 deliveries of 30 answers each.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/coprod_bench_evaluation \\
        .venv/bin/python benchmarks/evaluation_results.py

Creates the database that DATABASE_URL names (that is the default above; as the script drops it
at the end, it refuses a name without "bench"), migrates it and fills it through the services: an
organisation, a lead and a co-trainer, a workshop, its evaluation of 15 questions (the 7 starter
questions and 8 more) agreed by both of them, and 50 deliveries. Each delivery gets 30 answer sets
(15 attendees before and after, paired by code), inserted in bulk. Then it times, with Django's
test client and DEBUG off:

- the workshop's results page (``workshop_results``) and one delivery's (``delivery_results``),
  signed in as the lead;
- submitting the "after" answers (``answer_form``), not signed in, each with a new code.

For each it prints the median, 95th percentile, mean and worst server time, the Python CPU time
and the number of database queries, and drops the database again, also when something fails.
``--profile`` also prints where the time goes; ``--freeze-gc`` calls ``gc.freeze()`` after each
warm-up, as a server process could once the app is loaded, so that the garbage collector's full
passes skip the objects that live as long as the process.

The answer throttle (ANSWER_THROTTLE_PER_ADDRESS, ANSWER_THROTTLE_PER_DELIVERY) is raised for the
run, so that hundreds of answers from one address in a few seconds measure the form, not the
"too many tries" page. Its queries are still made and counted.

Only the server's work is timed (URL routing, middleware, session, queries, template rendering):
no network, no browser.
"""

import argparse
import cProfile
import gc
import itertools
import os
import pstats
import statistics
import sys
import time

import common

os.environ.setdefault("DATABASE_URL", f"{common.DEFAULT_SERVER}/coprod_bench_evaluation")
os.environ["EMAIL_URL"] = "locmem://"  # agreeing the evaluation emails the reviewers
common.setup_django()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from workshops.enums import (  # noqa: E402
    DecisionKind,
    OrganisationKind,
    Perspective,
    Role,
    SectionAudience,
    SectionKind,
)
from workshops.evaluation import questions_of  # noqa: E402
from workshops.models import EvaluationResponse, Membership, Organisation, User  # noqa: E402
from workshops.services.content import section_create, workshop_create  # noqa: E402
from workshops.services.deliveries import delivery_create  # noqa: E402
from workshops.services.evaluation import evaluation_create  # noqa: E402
from workshops.services.reviews import review_decide, review_round_open  # noqa: E402

RESULTS_TARGET_MS = 100
ANSWER_TARGET_MS = 50

# The 8 questions added to the 7 starter ones: (type, stage, choices).
EXTRA_QUESTIONS = [
    ("scale", "both", []),
    ("scale", "both", []),
    ("scale", "both", []),
    ("scale", "after", []),
    ("scale", "after", []),
    ("yes_no", "after", []),
    ("choice", "both", ["A", "B", "C"]),
    ("text", "after", []),
]

TEXT_ANSWERS = [
    "The diary idea was the most useful part for us.",
    "More time for questions at the end, please.",
    "Hearing from another parent made it feel less lonely.",
    "",
]


def member(organisation, email, name, *, role, perspective):
    user = User.objects.create_user(email, "bench", full_name=name, first_name=name.split()[0])
    return Membership.objects.create(
        user=user, organisation=organisation, role=role, perspective=perspective
    )


def answer_value(question, n):
    """A valid answer to ``question``, varied by ``n`` and the same from run to run."""
    kind = question["type"]
    if kind == "scale":
        return 1 + n % 5
    if kind == "yes_no":
        return "yes" if n % 3 else "no"
    if kind == "choice":
        return question["choices"][n % len(question["choices"])]
    return TEXT_ANSWERS[n % len(TEXT_ANSWERS)]


def answers_for(version, stage, n):
    answers = {}
    for offset, section in enumerate(questions_of(version.snapshot, stage)):
        value = answer_value(section["question"], n + offset)
        if value != "":
            answers[str(section["id"])] = value
    return answers


def fill(*, deliveries, attendees):
    """The organisation, its lead and co-trainer, the workshop, its agreed evaluation, and
    ``deliveries`` deliveries with ``attendees`` answer sets before and after each."""
    organisation = Organisation.objects.create(
        name="Benchmark Family Support Charity", kind=OrganisationKind.CHARITY
    )
    lead = member(
        organisation,
        "lead@bench.example.org",
        "Sam Lead",
        role=Role.LEAD,
        perspective=Perspective.PROFESSIONAL,
    )
    carer = member(
        organisation,
        "co-trainer@bench.example.org",
        "Pat Bench",
        role=Role.CO_TRAINER,
        perspective=Perspective.FAMILY_CARER,
    )
    workshop = workshop_create(
        organisation=organisation,
        title="Understanding behaviour that challenges",
        audience="Family carers of children with a learning disability",
        actor=lead,
    )
    evaluation = evaluation_create(workshop=workshop, actor=lead)
    for number, (kind, stage, choices) in enumerate(EXTRA_QUESTIONS, start=8):
        section_create(
            module=evaluation,
            title=f"Question {number}",
            body=f"How much did part {number} of the workshop help you? 1 is not at all, "
            "5 is a lot.",
            kind=SectionKind.QUESTION,
            audience=SectionAudience.EVERYONE,
            question={"type": kind, "stage": stage, "choices": choices},
            actor=lead,
        )

    round = review_round_open(module=evaluation, reviewers=[lead, carer], actor=lead)
    for reviewer in (lead, carer):
        review_decide(
            round=round,
            kind=DecisionKind.APPROVE,
            content_hash=round.version.content_hash,
            actor=reviewer,
        )
    evaluation.refresh_from_db()
    version = evaluation.agreed_version
    assert version is not None, "the evaluation was not agreed"

    made = []
    for number in range(1, deliveries + 1):
        delivery = delivery_create(
            workshop=workshop,
            title=f"Run {number}",
            first_session_at=timezone.now(),
            team=[lead, carer],
            actor=lead,
        )
        made.append(delivery)
        responses = []
        for attendee in range(attendees // 2):
            n = number * attendees + attendee
            for stage in ("before", "after"):
                responses.append(
                    EvaluationResponse(
                        delivery=delivery,
                        version=version,
                        stage=stage,
                        code=f"c{attendee}",
                        answers=answers_for(version, stage, n + (stage == "after")),
                    )
                )
        EvaluationResponse.objects.bulk_create(responses)
    return lead.user, workshop, made, version


def timed(send, *, requests, expected):
    """Wall and CPU milliseconds of ``requests`` calls of ``send``."""
    # Wall time is what a person waits for; the Python process's CPU time beside it shows how much
    # of that is the app's own work, and varies less when the machine is busy with other things.
    timings_ms, cpu_ms = [], []
    for _ in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        response = send()
        timings_ms.append((time.perf_counter() - start) * 1000)
        cpu_ms.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == expected, response.status_code
    return timings_ms, cpu_ms


def measure(name, send, *, expected, requests, warmup, profile, freeze_gc):
    """Time ``send`` (one request) after ``warmup`` untimed ones; count the queries of one."""
    response = send()
    assert response.status_code == expected, (name, response.status_code)
    page_bytes = len(response.content)
    for _ in range(warmup):
        send()
    if freeze_gc:
        gc.freeze()

    with CaptureQueriesContext(connection) as queries:
        send()
    # Read now: the next request empties the connection's query log that this points into.
    sql = [query["sql"] for query in queries.captured_queries]

    timings, cpu = timed(send, requests=requests, expected=expected)

    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(50):
            send()
        profiler.disable()
        print(f"\n{name}: where the time goes (50 requests, sorted by own time):")
        pstats.Stats(profiler).sort_stats("tottime").print_stats(20)
        print(f"\n{name}: sorted by cumulative time:")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

    return {"timings": timings, "cpu": cpu, "bytes": page_bytes, "sql": sql}


def report(name, result, *, target_ms):
    timings, cpu = result["timings"], result["cpu"]
    p50, p95 = common.percentile(timings, 0.5), common.percentile(timings, 0.95)
    mean = statistics.mean(timings)
    print(f"\n{name} ({result['bytes'] / 1024:.0f} KiB of HTML, {len(timings)} timed)")
    print(
        f"  server time: p50 {p50:.1f} ms, p95 {p95:.1f} ms, mean {mean:.1f} ms, "
        f"max {max(timings):.1f} ms"
    )
    print(f"  CPU time:    p50 {common.percentile(cpu, 0.5):.1f} ms in the Python process")
    print(f"  queries:     {len(result['sql'])} per request")
    print(f"  target:      under {target_ms} ms at p95: {'met' if p95 < target_ms else 'NOT met'}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--deliveries", type=int, default=50)
    parser.add_argument("--attendees", type=int, default=30, help="answer sets per delivery")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--profile", action="store_true", help="print a cProfile summary")
    parser.add_argument(
        "--freeze-gc", action="store_true", help="gc.freeze() after the warm-up requests"
    )
    parser.add_argument("--show-queries", action="store_true", help="print the SQL of each")
    args = parser.parse_args()

    if settings.DEBUG:
        sys.exit("Run the benchmark with DEBUG off (unset DEBUG), as in production.")
    # Hundreds of answers from one address to one delivery: the throttle would stop them.
    settings.ANSWER_THROTTLE_PER_ADDRESS = 10**6
    settings.ANSWER_THROTTLE_PER_DELIVERY = 10**6

    database = common.create_database()
    try:
        user, workshop, deliveries, version = fill(
            deliveries=args.deliveries, attendees=args.attendees
        )
        answers = EvaluationResponse.objects.filter(delivery__workshop=workshop).count()
        question_count = len(questions_of(version.snapshot))

        team = Client(SERVER_NAME="127.0.0.1")
        team.force_login(user)
        workshop_url = reverse("workshop_results", kwargs={"pk": workshop.pk})
        delivery_url = reverse("delivery_results", kwargs={"pk": deliveries[0].pk})

        # The answers go to the last delivery, so the results pages above stay as filled.
        attendee = Client(SERVER_NAME="127.0.0.1")
        answer_url = reverse(
            "answer_form", kwargs={"key": deliveries[-1].answer_key, "stage": "after"}
        )
        codes = (f"bench-{n}" for n in itertools.count())

        def answer():
            form = {"code": next(codes)}
            for offset, section in enumerate(questions_of(version.snapshot, "after")):
                form[f"q{section['id']}"] = str(answer_value(section["question"], offset))
            return attendee.post(answer_url, form)

        options = {
            "requests": args.requests,
            "warmup": args.warmup,
            "profile": args.profile,
            "freeze_gc": args.freeze_gc,
        }
        results = {
            "workshop results": measure(
                "workshop results", lambda: team.get(workshop_url), expected=200, **options
            ),
            "delivery results": measure(
                "delivery results", lambda: team.get(delivery_url), expected=200, **options
            ),
            "answer (after)": measure("answer (after)", answer, expected=302, **options),
        }
        machine = common.machine()
    finally:
        common.drop_database(database)

    print(
        f"\ndata:     {args.deliveries} deliveries, {answers} answer sets "
        f"({args.attendees} each), {question_count} questions"
    )
    frozen = ", gc.freeze() after warm-up" if args.freeze_gc else ""
    print(f"requests: {args.requests} timed after {args.warmup} warm-up, DEBUG off{frozen}")
    for name, result in results.items():
        target = ANSWER_TARGET_MS if name.startswith("answer") else RESULTS_TARGET_MS
        report(name, result, target_ms=target)
    print(f"\nmachine:  {machine}")
    if args.show_queries:
        for name, result in results.items():
            print(f"\n{name}:")
            print("\n".join(result["sql"]))


if __name__ == "__main__":
    main()
