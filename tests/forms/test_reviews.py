"""Malformed versions given to the compare form answer 400, never a 500."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "query",
    ["old=abc&new=1", "old=1&new=99999999999999999999", "old=%00&new=1", "old=&new="],
)
def test_section_compare_bad_versions_answer_400(client_for, world, query):
    client = client_for(world.lead)
    client.raise_request_exception = False
    url = reverse("section_compare", kwargs={"pk": world.section.pk})

    response = client.get(f"{url}?{query}")

    assert response.status_code == 400
