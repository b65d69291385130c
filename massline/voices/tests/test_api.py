"""The JSON API other systems use: bearer tokens, creating voices, reading them masked."""

import json
import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from massline.voices.models import ApiToken, Voice

URL = "/api/v1/voices"
HOTLINE_CALL = {
    "channel": "hotline",
    "kind": "complaint",
    "subject": "望江路路灯不亮",
    "body": "望江路北段路灯一周没亮，晚上走路很危险。",
    "received_at": "2025-03-01T09:30:00+08:00",
    "area_code": "33010101",
    "category": ["城乡建设", "物业管理"],
    "department_code": "JB-ZJ",
    "person": {"name": "李建国", "phone": "13811112222", "address": "江北区望江路88号"},
    "source": "12345-hotline",
    "external_id": "GD-2025-0001",
}


def bearer(user, name="12345-hotline") -> dict[str, str]:
    """Headers for a call with a fresh token of ``user``."""
    return {"Authorization": f"Bearer {ApiToken.issue(name, user)[1]}"}


def post(client, data, headers):
    return client.post(URL, json.dumps(data), content_type="application/json", headers=headers)


def errors_by_field(response) -> dict[str, str]:
    return {error["loc"][-1]: error["msg"] for error in response.json()["detail"]}


@pytest.fixture
def operator(people):
    return bearer(people["operator"])


# Who may call --------------------------------------------------------------------------


def test_a_call_without_a_token_is_refused(client, people, voice):
    assert client.get(URL).status_code == 401
    assert post(client, HOTLINE_CALL, {}).status_code == 401


def test_a_wrong_token_is_refused(client, people):
    assert (
        client.get(URL, headers={"Authorization": "Bearer ml_not-a-real-token"}).status_code == 401
    )


def test_a_deactivated_token_is_refused(client, people):
    token, clear = ApiToken.issue("old system", people["operator"])
    token.is_active = False
    token.save()
    assert client.get(URL, headers={"Authorization": f"Bearer {clear}"}).status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(client, people):
    headers = bearer(people["operator"])
    people["operator"].is_active = False
    people["operator"].save()
    assert client.get(URL, headers=headers).status_code == 401


def test_a_token_whose_user_may_not_add_voices_cannot_create_one(client, people):
    response = post(client, HOTLINE_CALL, bearer(people["housing_handler"]))
    assert response.status_code == 403
    assert "voices.add_voice" in response.json()["detail"]
    assert not Voice.objects.exists()


def test_a_logged_in_browser_session_alone_cannot_write(client, people, city):
    client.force_login(people["operator"])
    assert post(client, HOTLINE_CALL, {}).status_code == 401
    assert not Voice.objects.exists()


def test_token_use_is_recorded_at_most_once_a_minute(client, people):
    token, clear = ApiToken.issue("crm", people["operator"])
    headers = {"Authorization": f"Bearer {clear}"}
    client.get(URL, headers=headers)
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get(URL, headers=headers)
    token.refresh_from_db()
    assert token.last_used_at == first_use
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first_use - timedelta(minutes=2))
    client.get(URL, headers=headers)
    token.refresh_from_db()
    assert token.last_used_at > first_use - timedelta(minutes=1)


# Creating voices -----------------------------------------------------------------------


def test_a_system_creates_a_voice_and_sees_only_the_masked_person(client, city, operator):
    response = post(client, HOTLINE_CALL, operator)
    assert response.status_code == 201
    data = response.json()
    assert data["created"] is True
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{2}", data["tracking_code"])
    assert data["masked_phone"] == "138****2222"
    assert data["masked_name"] == "李**"
    assert data["category"] == ["城乡建设", "物业管理"]
    assert data["area_code"] == "33010101" and data["department_code"] == "JB-ZJ"
    assert "13811112222" not in response.content.decode()
    assert "李建国" not in response.content.decode()

    voice = Voice.objects.get(tracking_code=data["tracking_code"])
    assert voice.phone == "13811112222" and voice.category == city["property"]
    assert voice.person_key  # the repeat-caller index is set
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM voices_voice WHERE id = %s", [voice.pk])
        row = " ".join(str(value) for value in cursor.fetchone())
    assert "13811112222" not in row and "李建国" not in row


def test_the_same_external_id_again_returns_the_existing_voice(client, city, operator):
    first = post(client, HOTLINE_CALL, operator).json()
    again = post(client, {**HOTLINE_CALL, "subject": "重复推送"}, operator)
    assert again.status_code == 200
    assert again.json()["created"] is False
    assert again.json()["tracking_code"] == first["tracking_code"]
    assert Voice.objects.count() == 1


def test_a_category_can_be_given_by_id_and_source_defaults_to_the_token_name(client, city, people):
    call = {**HOTLINE_CALL, "category": city["noise"].pk, "source": ""}
    response = post(client, call, bearer(people["operator"], name="城管通"))
    assert response.status_code == 201
    assert response.json()["category"] == ["环境保护", "噪音污染"]
    assert response.json()["source"] == "城管通"


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"body": None}, "body", "Field required"),
        ({"channel": "carrier pigeon"}, "channel", "'hotline'"),
        ({"area_code": "9999"}, "area_code", "No area has the code “9999”."),
        ({"category": ["城乡建设", "噪音污染"]}, "category", "No category “城乡建设 / 噪音污染”."),
        ({"department_code": "XX"}, "department_code", "No department has the code “XX”."),
        ({"subject": "长" * 201}, "subject", "at most 200 characters"),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_nothing_is_saved(
    client, city, operator, change, field, message
):
    call = {key: value for key, value in {**HOTLINE_CALL, **change}.items() if value is not None}
    response = post(client, call, operator)
    assert response.status_code == 422
    assert message in errors_by_field(response)[field]
    assert not Voice.objects.exists()


def test_every_unknown_reference_is_reported_at_once(client, city, operator):
    call = {**HOTLINE_CALL, "area_code": "9999", "department_code": "XX"}
    assert set(errors_by_field(post(client, call, operator))) == {"area_code", "department_code"}


def test_an_oversized_request_body_is_refused(client, city, operator, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    response = post(client, {**HOTLINE_CALL, "extra": {"notes": "字" * 10_000}}, operator)
    assert response.status_code == 413
    assert not Voice.objects.exists()


# Reading voices ------------------------------------------------------------------------


def test_a_handler_token_lists_only_its_department_voices_masked(
    client, people, voice, south_voice
):
    response = client.get(URL, headers=bearer(people["housing_handler"]))
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert [item["tracking_code"] for item in data["items"]] == [voice.tracking_code]
    assert data["items"][0]["masked_phone"] == "139****5678"
    assert "13912345678" not in response.content.decode()
    assert "王秀英" not in response.content.decode()


def test_voices_can_be_filtered_and_paged(client, people, city, voice, south_voice):
    headers = bearer(people["operator"])
    both = client.get(URL, {"limit": 1}, headers=headers).json()
    assert both["count"] == 2 and len(both["items"]) == 1
    north = client.get(URL, {"area_code": "330101"}, headers=headers).json()
    assert [item["tracking_code"] for item in north["items"]] == [voice.tracking_code]
    environment = client.get(URL, {"category_id": city["environment"].pk}, headers=headers)
    assert [item["tracking_code"] for item in environment.json()["items"]] == [
        south_voice.tracking_code
    ]
    web = client.get(URL, {"channel": "web"}, headers=headers).json()
    assert [item["tracking_code"] for item in web["items"]] == [south_voice.tracking_code]
    later = (timezone.now() + timedelta(hours=1)).isoformat()
    assert client.get(URL, {"since": later}, headers=headers).json()["count"] == 0
    assert client.get(URL, {"until": later}, headers=headers).json()["count"] == 2


def test_a_voice_is_read_by_tracking_code_but_not_if_invisible(client, people, voice, south_voice):
    headers = bearer(people["housing_handler"])
    mine = client.get(f"{URL}/{voice.tracking_code}", headers=headers)
    assert mine.status_code == 200
    assert mine.json()["subject"] == voice.subject
    assert mine.json()["masked_name"] == "王**"
    assert client.get(f"{URL}/{south_voice.tracking_code}", headers=headers).status_code == 404
    assert client.get(f"{URL}/NO-SUCH-CODE", headers=headers).status_code == 404


def test_any_token_reads_the_reference_data(client, people, city):
    headers = bearer(people["nobody"])
    areas = client.get("/api/v1/areas", headers=headers).json()
    assert {"code": "330101", "name": "江北区", "level": 2, "parent_code": "3301"} in areas
    categories = client.get("/api/v1/categories", headers=headers).json()
    assert {
        "id": city["noise"].pk,
        "name": "噪音污染",
        "level": 2,
        "parent_id": city["environment"].pk,
        "path": ["环境保护", "噪音污染"],
    } in categories
    departments = client.get("/api/v1/departments", headers=headers).json()
    assert {d["code"] for d in departments} == {"JB-ZJ", "JN-ST"}
    assert client.get("/api/v1/areas").status_code == 401


# Documentation and tokens --------------------------------------------------------------


def test_the_openapi_document_describes_voices_and_bearer_tokens(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/voices", "/api/v1/voices/{tracking_code}"} <= set(schema["paths"])
    schemes = schema["components"]["securitySchemes"].values()
    assert {"type": "http", "scheme": "bearer"} in list(schemes)


def test_the_docs_page_loads_everything_from_this_server(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)
    assets = re.findall(r"""(?:src|href)=["']([^"']+\.(?:js|css))["']""", html)
    assert any("swagger-ui-bundle.js" in asset for asset in assets)
    for asset in assets:
        assert client.get(asset).status_code == 200, asset


def test_issue_token_prints_a_token_that_works(client, people, capsys):
    call_command("issue_token", "operator", "城管通")
    token = capsys.readouterr().out.strip()
    response = client.get(URL, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert ApiToken.objects.get(name="城管通").user == people["operator"]
