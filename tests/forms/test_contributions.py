"""Malformed filters given to the contribution log's filter form answer without a 500."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "query",
    [
        "person=abc&module=xyz&date_from=yesterday&action=%00",
        "person=99999999999999999999&page=99999999999999999999",
        "date_from=2025-02-30&date_to=0000-01-01",
    ],
)
def test_contribution_log_bad_filters_answer_without_500(client_for, world, query):
    client = client_for(world.lead)
    client.raise_request_exception = False
    url = reverse("contribution_log", kwargs={"org_id": world.organisation.pk})

    response = client.get(f"{url}?{query}")

    assert response.status_code == 200
