"""JSON errors for programs: invalid input names its fields, never a page layout ("marked below")."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

LAYOUT_WORDS = re.compile(r"\b(below|above|marked|highlighted|in red)\b", re.IGNORECASE)


def test_an_invalid_forward_names_every_field_it_refuses(client: TestClient) -> None:
    response = client.post("/api/forward", json={"message": "hi", "group_id": "abc", "colour": "blue"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert not LAYOUT_WORDS.search(error["message"]), error["message"]
    assert set(error["fields"]) >= {"group_id", "group_name", "email", "colour"}
    for field in error["fields"]:
        assert f"“{field}”" in error["message"]
    assert error["message"].endswith("says what is wrong with each.")


def test_one_invalid_field_is_named_alone(client: TestClient) -> None:
    body = {"group_name": "Ortiz Landscaping LLC", "group_id": "604213", "name": "Maria Ortiz", "email": "maria@example.net",
            "subject": "Broker of record change", "message": "Please change our broker of record.", "phone": "call me maybe"}
    error = client.post("/api/forward", json=body).json()["error"]
    assert list(error["fields"]) == ["phone"]
    assert error["message"] == "Please correct “phone” and send the request again; “fields” says what is wrong with it."


def test_other_errors_keep_their_own_sentence(client: TestClient) -> None:
    error = client.get("/api/contacts", params={"at": "tomorrow"}).json()["error"]
    assert "ISO-8601" in error["message"] and "at" in error["fields"]
    assert not LAYOUT_WORDS.search(error["message"])
