"""The OpenAPI document says every answer an operation can give, refusals included, each
refusal with the one error schema."""

import pytest

pytestmark = pytest.mark.django_db
ERROR_FIELDS = {"detail", "message_th", "message_en", "errors"}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield f"{method.upper()} {path}", operation


def resolve(document, schema: dict) -> dict:
    while "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def can_be_wrong(document, parameter: dict) -> bool:
    """Anything but free text can be given wrong: a number, a date, a choice, a bounded text."""
    schema = parameter["schema"]
    kinds = [resolve(document, s) for s in schema.get("anyOf", [schema])]
    return (parameter.get("required", False) and parameter["in"] == "query") or any(
        k.get("type") not in {"string", "null"} or {"maxLength", "format", "enum"} & set(k)
        for k in kinds
    )


def test_every_refusal_is_declared_with_the_error_schema(document):
    for name, operation in operations(document):
        statuses = {int(s) for s in operation["responses"]}
        if any(can_be_wrong(document, p) for p in operation.get("parameters", [])):
            assert 422 in statuses, name  # a parameter out of range, or not a number
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert 404 in statuses, name
        if "requestBody" in operation:
            # not JSON; too large; a field wrong; too many writes (core.ratelimit)
            assert {400, 413, 422, 429} <= statuses, name
        if operation.get("security"):
            assert {401, 403} <= statuses, name
        for status, answer in operation["responses"].items():
            if int(status) < 400:
                continue
            schema = resolve(document, answer["content"]["application/json"]["schema"])
            assert set(schema["properties"]) == ERROR_FIELDS, (name, status)
            assert set(schema["required"]) == {"detail", "message_th", "message_en"}


@pytest.mark.parametrize(
    ("name", "statuses"),
    [
        ("POST /api/v1/reports", {200, 201, 400, 401, 403, 413, 422, 429, 507}),
        ("POST /api/v1/reports/{code}/status", {200, 400, 401, 403, 404, 413, 422, 429}),
        ("GET /api/v1/reports", {200, 422}),
        ("GET /api/v1/search", {200, 422}),
        ("GET /api/v1/issues/{pk}", {200, 404, 422}),
        ("GET /api/v1/locate", {200, 404, 422}),
        ("GET /api/v1/groups", {200}),
    ],
)
def test_what_some_operations_answer(document, name, statuses):
    found = dict(operations(document))[name]
    assert {int(s) for s in found["responses"]} == statuses


def test_a_field_error_names_the_field_in_both_languages(document):
    field_error = document["components"]["schemas"]["FieldError"]
    assert {"field", "message", "message_th", "message_en"} <= set(field_error["required"])
