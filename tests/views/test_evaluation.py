"""The evaluation through the browser: attendees answering on a phone without an account, the
team typing in paper forms, reading results, and turning them into actions."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from tests.helpers import field_errors, query_count
from workshops.enums import QuestionType
from workshops.models import EvaluationResponse
from workshops.services import deliveries as delivery_services
from workshops.services import evaluation as evaluation_services

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make_world):
    world = make_world(complete=True)
    world.version = world.evaluation.agreed_version
    world.q = {s["title"]: str(s["id"]) for s in world.version.sections}
    return world


def _form_url(world, stage="before"):
    return reverse("answer_form", kwargs={"key": world.delivery.answer_key, "stage": stage})


def _answer(world, stage, code, **answers):
    return evaluation_services.answers_submit(
        delivery=world.delivery,
        version=world.version,
        stage=stage,
        code=code,
        answers={world.q[title]: value for title, value in answers.items()},
    )


def test_answer_form_needs_no_account_and_asks_only_that_stages_questions(client, world):
    response = client.get(_form_url(world, "before"))

    html = response.content.decode()
    assert response.status_code == 200
    assert f'name="q{world.q["Confidence"]}"' in html
    assert f'name="q{world.q["Useful"]}"' not in html  # asked only after
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


def test_answering_keeps_the_answers_and_thanks_the_attendee(client, world):
    response = client.post(
        _form_url(world, "after"),
        {"code": "Blue 7", f"q{world.q['Useful']}": "4", f"q{world.q['Respected']}": "yes"},
    )

    assert response.status_code == 302
    assert response.url == reverse("answer_thanks", kwargs={"key": world.delivery.answer_key})
    kept = EvaluationResponse.objects.get(delivery=world.delivery)
    assert (kept.stage, kept.code, kept.typed_by) == ("after", "blue7", None)
    assert kept.answers == {world.q["Useful"]: 4, world.q["Respected"]: "yes"}


def test_answering_twice_with_one_code_says_so_beside_the_code_and_keeps_the_first(client, world):
    _answer(world, "before", "blue7", Confidence="2")

    response = client.post(_form_url(world), {"code": "BLUE7", f"q{world.q['Confidence']}": "5"})

    assert response.status_code == 400
    assert "already given before the workshop" in " ".join(
        field_errors(response.content.decode())["code"]
    )
    assert EvaluationResponse.objects.get().answers == {world.q["Confidence"]: 2}


def test_answer_form_needs_csrf(world):
    client = Client(enforce_csrf_checks=True)

    response = client.post(_form_url(world), {"code": "blue7"})

    assert response.status_code == 403
    assert not EvaluationResponse.objects.exists()


def test_answer_form_is_throttled_per_address(client, world, settings):
    settings.ANSWER_THROTTLE_PER_ADDRESS = 3
    codes = [client.post(_form_url(world), {"code": f"c{n}"}).status_code for n in range(4)]

    assert codes == [302, 302, 302, 429]
    assert EvaluationResponse.objects.count() == 3


def test_answer_form_is_throttled_per_delivery_from_any_address(client, world, settings):
    settings.ANSWER_THROTTLE_PER_DELIVERY = 2
    codes = [
        client.post(_form_url(world), {"code": f"c{n}"}, REMOTE_ADDR=f"192.0.2.{n}").status_code
        for n in range(3)
    ]

    assert codes == [302, 302, 429]


def test_turned_off_link_takes_no_answers(client, world):
    evaluation_services.answers_open_set(delivery=world.delivery, is_open=False, actor=world.lead)

    response = client.post(_form_url(world), {"code": "blue7"})

    assert response.status_code == 302
    assert response.url == reverse("answer_start", kwargs={"key": world.delivery.answer_key})
    page = client.get(response.url).content.decode()
    assert "not taking answers" in page
    assert not EvaluationResponse.objects.exists()


def test_a_wrong_key_is_not_found(client, world):
    assert client.get(reverse("answer_start", kwargs={"key": "guessed-key"})).status_code == 404


def test_paper_answers_are_typed_in_by_a_facilitator(client_for, world):
    url = reverse("paper_answers", kwargs={"pk": world.delivery.pk, "stage": "before"})

    response = client_for(world.co_trainer).post(
        url, {"code": "paper1", f"q{world.q['Confidence']}": "3"}
    )

    assert response.status_code == 302
    kept = EvaluationResponse.objects.get()
    assert kept.typed_by == world.co_trainer
    assert kept.answers == {world.q["Confidence"]: 3}


def _many_answers(world, count, *, delivery=None):
    delivery = delivery or world.delivery
    for n in range(count):
        for stage in ("before", "after"):
            evaluation_services.answers_submit(
                delivery=delivery,
                version=world.version,
                stage=stage,
                code=f"code{n}",
                answers={world.q["Confidence"]: 1 + n % 3 + (stage == "after")},
            )


def test_results_page_shows_the_chart_beside_its_table_and_hides_small_groups(client_for, world):
    _many_answers(world, 6)
    page = client_for(world.co_trainer).get(
        reverse("delivery_results", kwargs={"pk": world.delivery.pk})
    )

    html = page.content.decode()
    assert page.status_code == 200
    assert 'role="img"' in html
    assert "Of 6 people who answered both, 6 answered higher after" in html
    # "Useful" is asked only after, and nobody answered it: too few to show.
    assert "Fewer than 5 answers: not shown." in html


def test_results_csv_has_the_pages_numbers(client_for, world):
    _many_answers(world, 6)
    response = client_for(world.lead).get(
        reverse("delivery_results_csv", kwargs={"pk": world.delivery.pk})
    )

    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(response).decode() if response.streaming else response.content.decode()
            )
        )
    )
    confidence = [row for row in rows if row[0] == "Confidence"]
    assert [row[1:4] for row in confidence] == [
        ["Before the workshop", "6", "2"],
        ["After the workshop", "6", "3"],
    ]


def test_results_query_count_does_not_grow_with_answers(client_for, world):
    client = client_for(world.lead)
    url = reverse("delivery_results", kwargs={"pk": world.delivery.pk})
    _many_answers(world, 1)
    one = query_count(client, url)

    _many_answers_bulk(world, 250)

    assert query_count(client, url) == one


def _many_answers_bulk(world, pairs):
    EvaluationResponse.objects.bulk_create(
        EvaluationResponse(
            delivery=world.delivery,
            version=world.version,
            stage=stage,
            code=f"bulk{n}",
            answers={world.q["Confidence"]: 1 + n % 5},
        )
        for n in range(pairs)
        for stage in ("before", "after")
    )


def test_workshop_results_query_count_does_not_grow_with_deliveries(client_for, world):
    client = client_for(world.lead)
    url = reverse("workshop_results", kwargs={"pk": world.workshop.pk})
    one = query_count(client, url)

    for n in range(49):
        delivery = delivery_services.delivery_create(
            workshop=world.workshop,
            title=f"Run {n}",
            first_session_at=world.delivery_session.starts_at,
            team=[world.lead, world.co_trainer],
            actor=world.lead,
        )
        _many_answers(world, 1, delivery=delivery)

    assert query_count(client, url) == one


def test_an_action_from_the_results_waits_in_the_modules_open_round(client_for, world):
    client = client_for(world.co_trainer)

    response = client.post(
        reverse("feedback_action_create", kwargs={"pk": world.delivery.pk}),
        {"text": "Two people found the diary hard: simplify it", "module": world.module.pk},
    )

    assert response.status_code == 302
    round_page = client.get(world.review_round.get_absolute_url()).content.decode()
    assert "Open items from attendee feedback" in round_page
    assert "Two people found the diary hard: simplify it" in round_page


def test_an_action_names_a_section_of_its_own_module(client_for, world, make_world):
    other = make_world()
    response = client_for(world.lead).post(
        reverse("feedback_action_create", kwargs={"pk": world.delivery.pk}),
        {"text": "x", "module": world.module.pk, "section": other.section.pk},
    )

    assert response.status_code == 400
    assert field_errors(response.content.decode())["section"]


def test_answer_sheet_prints_the_link_and_its_qr_code(client_for, world):
    html = (
        client_for(world.lead)
        .get(reverse("delivery_answer_sheet", kwargs={"pk": world.delivery.pk}))
        .content.decode()
    )

    link = reverse("answer_start", kwargs={"key": world.delivery.answer_key})
    assert f"http://testserver{link}" in html
    assert 'class="answer-qr"' in html
    assert "Paper form" in html


def test_a_question_is_edited_with_how_it_is_answered(client_for, world):
    question = world.evaluation.sections.get(title="Respected")
    client = client_for(world.lead)
    url = reverse("section_edit", kwargs={"pk": question.pk})

    response = client.post(
        url,
        {
            "title": "Respected",
            "body": "Did you feel respected?",
            "question_type": QuestionType.CHOICE,
            "question_stage": "after",
            "question_choices": "Only one",
            "based_on_version": question.version,
        },
    )

    assert response.status_code == 400
    assert field_errors(response.content.decode())["question_choices"]
    response = client.post(
        url,
        {
            "title": "Respected",
            "body": "Did you feel respected?",
            "question_type": QuestionType.CHOICE,
            "question_stage": "after",
            "question_choices": "Always\nMostly\nNot really",
            "based_on_version": question.version,
        },
    )
    assert response.status_code == 302
    question.refresh_from_db()
    assert question.question == {
        "type": "choice",
        "stage": "after",
        "choices": ["Always", "Mostly", "Not really"],
    }
    assert question.kind == "question"


def test_an_evaluation_meeting_lists_the_actions_agreed_at_it(client_for, world):
    evaluation_services.feedback_action_add(
        delivery=world.delivery,
        module=world.module,
        text="Agreed at the meeting: shorter videos",
        meeting=world.session,
        actor=world.co_trainer,
    )

    html = client_for(world.lead).get(world.session.get_absolute_url()).content.decode()

    assert "Actions agreed here from attendee feedback" in html
    assert "Agreed at the meeting: shorter videos" in html
