import csv
import io
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.helpers import sign_in
from workshops.demo_content import (
    DEMO_PASSWORD,
    DEMO_URL,
    HELEN,
    HILLSIDE,
    PEOPLE,
    RIVERSIDE,
    SAM,
)
from workshops.enums import Perspective, Role
from workshops.financial_year import financial_year_bounds, financial_year_of
from workshops.models import (
    ContributionEntry,
    Expense,
    FundingPot,
    Membership,
    Module,
    Organisation,
    Section,
    SectionRevision,
    TimeEntry,
    User,
    Workshop,
)
from workshops.selectors.evaluation import delivery_results


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {
        "users": User.objects.count(),
        "memberships": Membership.objects.count(),
        "organisations": Organisation.objects.count(),
        "workshops": Workshop.objects.count(),
        "modules": Module.all_objects.count(),
        "sections": Section.all_objects.count(),
        "revisions": SectionRevision.objects.count(),
        "contributions": ContributionEntry.objects.count(),
    }


def riverside_members(**filters):
    return Membership.active.filter(organisation__name=RIVERSIDE, **filters)


@pytest.mark.django_db
def test_seed_demo_prints_every_sign_in_with_password_and_url():
    output = seed()

    for person in PEOPLE:
        assert person["email"] in output
    assert DEMO_PASSWORD in output
    assert DEMO_URL in output


@pytest.mark.django_db
def test_seed_demo_run_twice_changes_nothing():
    seed()
    before = counts()
    heads_before = dict(Organisation.objects.values_list("name", "log_head_hash"))

    seed()

    assert counts() == before
    assert dict(Organisation.objects.values_list("name", "log_head_hash")) == heads_before


@pytest.mark.django_db
def test_seed_demo_team_has_both_perspectives_a_lead_and_an_observer():
    seed()

    co_trainers = riverside_members(role=Role.CO_TRAINER)
    assert co_trainers.filter(perspective=Perspective.FAMILY_CARER).count() >= 2
    assert co_trainers.filter(perspective=Perspective.PROFESSIONAL).count() >= 2
    assert riverside_members(role=Role.LEAD).exists()
    assert riverside_members(role=Role.OBSERVER).exists()


@pytest.mark.django_db
def test_seed_demo_external_supporter_belongs_to_both_organisations():
    seed()

    external = riverside_members(role=Role.EXTERNAL_SUPPORTER, is_external=True).get()
    organisations = set(
        Membership.active.filter(user=external.user).values_list("organisation__name", flat=True)
    )
    assert organisations == {RIVERSIDE, HILLSIDE}
    assert external.perspective == Perspective.PROFESSIONAL


@pytest.mark.django_db
def test_seed_demo_starter_workshop_has_at_least_six_modules_of_three_to_five_sections():
    seed()

    workshop = Workshop.objects.get(organisation__name=RIVERSIDE)
    modules = list(workshop.modules.filter(is_evaluation=False))
    assert len(modules) >= 6
    for module in modules:
        assert 3 <= module.sections.count() <= 5
        assert module.learning_outcome_list


@pytest.mark.django_db
def test_seed_demo_every_section_renders_html():
    seed()

    sections = Section.objects.all()
    assert sections.exists()
    for section in sections:
        assert section.body_html.strip() != ""


@pytest.mark.django_db
def test_seed_demo_sections_are_written_by_both_perspectives():
    seed()

    perspectives = set(
        SectionRevision.objects.filter(
            section__module__workshop__organisation__name=RIVERSIDE
        ).values_list("author__perspective", flat=True)
    )
    assert perspectives == {Perspective.FAMILY_CARER, Perspective.PROFESSIONAL}


CREATE_ACTIONS = {"workshop.create", "module.create", "evaluation.create", "section.create"}


@pytest.mark.django_db
def test_seed_demo_logs_every_workshop_module_and_section_in_an_intact_chain():
    seed()

    for organisation in Organisation.objects.all():
        workshops = Workshop.objects.filter(organisation=organisation)
        modules = Module.objects.filter(workshop__in=workshops)
        sections = Section.objects.filter(module__in=modules)
        entries = list(ContributionEntry.objects.filter(organisation=organisation).order_by("pk"))
        content_entries = [e for e in entries if e.action in CREATE_ACTIONS]
        assert len(content_entries) == workshops.count() + modules.count() + sections.count()
        previous = ""
        for entry in entries:
            assert entry.previous_hash == previous
            assert entry.entry_hash == entry.compute_hash()
            previous = entry.entry_hash
        assert organisation.log_head_hash == previous


@pytest.mark.django_db
def test_seed_demo_accounts_sign_in_with_the_demo_password(client):
    seed()

    assert sign_in(client, PEOPLE[0]["email"], DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_agrees_three_starter_modules_through_review_rounds():
    seed()

    agreed = Module.objects.filter(agreed_version__isnull=False, is_evaluation=False)
    assert agreed.count() == 3
    for module in agreed:
        approvals = module.agreed_version.review_round.decisions.filter(kind="approve")
        assert sorted(approvals.values_list("perspective", flat=True)) == [
            "family_carer",
            "professional",
        ]


@pytest.mark.django_db
def test_seed_demo_leaves_a_review_waiting_for_the_demo_family_carer(client):
    seed()
    assert sign_in(client, SAM, DEMO_PASSWORD)

    response = client.get("/")

    waiting = response.context["reviews_waiting"]
    assert [r.status for r in waiting] == ["open"]
    assert [d.membership.user.email for d in waiting[0].decisions.all()] == [
        "anita.psychologist@example.org"
    ]
    assert "Read and decide" in response.content.decode()


@pytest.mark.django_db
def test_seed_demo_has_a_finished_delivery_with_registers_and_a_coming_one():
    seed()
    workshop = (
        Workshop.objects.filter(organisation__name=RIVERSIDE, deliveries__isnull=False)
        .distinct()
        .get()
    )
    deliveries = {d.title: d for d in workshop.deliveries.all()}
    assert len(deliveries) == 2
    now = timezone.now()
    finished, coming = sorted(deliveries.values(), key=lambda d: d.sessions.first().starts_at)
    assert all(s.starts_at < now for s in finished.sessions.all())
    assert all(s.starts_at > now for s in coming.sessions.all())
    for delivery in (finished, coming):
        assert delivery.sessions.count() == 6
        assert "made-up" in delivery.title
        for session in delivery.sessions.all():
            perspectives = {m.perspective for m in session.team.all()}
            assert perspectives == {Perspective.FAMILY_CARER, Perspective.PROFESSIONAL}
    marks = [s.attended.count() for s in finished.sessions.all()]
    assert marks == [finished.attendees.count() - 1] * 6
    assert coming.sessions.filter(attended__isnull=False).count() == 0


@pytest.mark.django_db
def test_seed_demo_has_an_agreed_evaluation_made_up_answers_results_and_an_action():
    seed()
    workshop = Workshop.objects.get(organisation__name=RIVERSIDE)
    evaluation = workshop.modules.get(is_evaluation=True)
    assert evaluation.agreed_version is not None
    assert {d.perspective for d in evaluation.agreed_version.review_round.decisions.all()} == {
        Perspective.FAMILY_CARER,
        Perspective.PROFESSIONAL,
    }
    finished = workshop.deliveries.get(title__startswith="Spring")
    assert finished.responses.filter(stage="before").count() == 6
    assert finished.responses.filter(stage="after").count() == 6
    assert all(r.code.startswith("demo") for r in finished.responses.all())

    results = delivery_results(delivery=finished)["results"]
    confidence = next(r for r in results if r.question["title"] == "Confidence")
    assert confidence.pairs == 6
    assert confidence.median_change == 1.5
    actions = list(finished.feedback_actions.order_by("pk"))
    assert [a.module.title for a in actions] == ["Why behaviours happen", "Looking after yourself"]
    assert {a.created_by.perspective for a in actions} == {
        Perspective.FAMILY_CARER,
        Perspective.PROFESSIONAL,
    }
    assert not any(a.is_done for a in actions)


@pytest.mark.django_db
def test_seed_demo_has_a_rate_card_priced_time_a_donation_an_expense_and_a_pot(client):
    seed()
    organisation = Organisation.objects.get(name=RIVERSIDE)
    today = timezone.localdate()
    start, _end = financial_year_bounds(financial_year_of(today))

    assert sorted(organisation.pay_rates.values_list("unit", "starts_on")) == [
        ("half_day", start),
        ("hour", start),
    ]
    sams = TimeEntry.objects.filter(membership__user__email=SAM)
    assert sorted(sams.values_list("payment", flat=True)) == ["donated", "paid"]
    assert all(entry.amount_pence > 0 for entry in sams)
    expense = Expense.objects.get(membership__user__email=SAM)
    assert (expense.kind, expense.receipt_note != "") == ("mileage", True)
    assert FundingPot.objects.get(organisation=organisation).year == financial_year_of(today)

    assert sign_in(client, HELEN, DEMO_PASSWORD)
    payroll = client.get(reverse("pay_payroll_csv", kwargs={"org_id": organisation.pk}))
    rows = list(csv.DictReader(io.StringIO(payroll.content.decode())))
    sam = next(row for row in rows if row["person"] == "Sam Carter")
    assert (sam["to_pay"], sam["donated"], sam["expenses_to_reimburse"]) == (
        "90.00",
        "50.00",
        "6.30",
    )
