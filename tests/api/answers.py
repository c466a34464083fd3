"""How the JSON API's refusals must look to a client: JSON, in Thai and in English."""

from __future__ import annotations


def thai(text: str) -> bool:
    return any("\u0e00" <= ch <= "\u0e7f" for ch in text)


def refused(response, status: int) -> dict:
    """The answer is ``status`` in the API's error format, in both languages."""
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert set(body) >= {"detail", "message_th", "message_en"}, body
    assert thai(body["message_th"]), body
    assert body["message_en"] and not thai(body["message_en"]), body
    return body


def refused_field(response, field: str) -> dict:
    """A 422 whose ``errors`` name ``field``, its problem said in Thai and in English."""
    body = refused(response, 422)
    errors = {e["field"]: e for e in body["errors"]}
    assert field in errors, body["errors"]
    error = errors[field]
    assert thai(error["message_th"]), error
    assert error["message_en"] and not thai(error["message_en"]), error
    return error
