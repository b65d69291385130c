"""A person's consent to be told what is decided (告诉我对这个问题的处理决定), on every way a
voice comes in: the public form, the operator's quick entry, the API, an import, the demo."""

import json
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from massline.voices.models import ApiToken, Voice
from massline.voices.tests.samples import voice_form
from massline.voices.tests.test_import import refused, xlsx

LABEL = "Tell me what is decided about this problem."


# The public form ------------------------------------------------------------------------


def test_the_public_form_asks_whether_to_tell_the_person_what_is_decided(client, db):
    page = client.get(reverse("public-submit")).content.decode()
    assert LABEL in page and 'name="consent_to_follow_up"' in page
    assert page.index('name="phone"') < page.index('name="consent_to_follow_up"')


def test_the_public_form_speaks_of_the_decision_in_chinese(db):
    from django.test import Client

    page = Client().get(reverse("public-submit")).content.decode()
    assert "告诉我对这个问题的处理决定" in page


def test_a_person_who_ticks_it_is_asked_for_later(client, db):
    response = client.post(reverse("public-submit"), voice_form(consent_to_follow_up="on"))
    assert response.status_code == 303
    assert Voice.objects.get().consent_to_follow_up


def test_a_person_who_does_not_tick_it_is_not_told(client, db):
    client.post(reverse("public-submit"), voice_form())
    assert not Voice.objects.get().consent_to_follow_up


def test_to_be_told_the_person_gives_a_phone_or_an_email(client, db):
    response = client.post(
        reverse("public-submit"), voice_form(consent_to_follow_up="on", phone="", email="")
    )
    assert response.status_code == 200 and not Voice.objects.exists()
    assert "give a phone number or an email address" in response.content.decode()

    client.post(
        reverse("public-submit"),
        voice_form(consent_to_follow_up="on", phone="", email="li.jianguo@example.com"),
    )
    assert Voice.objects.get().consent_to_follow_up


def test_a_wrong_phone_is_named_as_wrong_not_as_missing(client, db):
    response = client.post(
        reverse("public-submit"), voice_form(consent_to_follow_up="on", phone="12")
    )
    page = response.content.decode()
    assert "This is not a Chinese phone number" in page
    assert "give a phone number or an email address" not in page


# Quick entry ----------------------------------------------------------------------------


def test_an_operator_records_that_the_caller_wants_to_be_told(client, people):
    client.force_login(people["operator"])
    page = client.get(reverse("quick-entry")).content.decode()
    assert "The caller wants to be told what is decided about this problem" in page
    # After what every caller says, before the channel: the keyboard flow stays the same.
    assert page.index('name="consent_to_publish"') < page.index('name="consent_to_follow_up"')
    assert page.index('name="consent_to_follow_up"') < page.index('name="channel"')
    call = {
        "phone": "139 1234 5678",
        "name": "王秀英",
        "kind": "complaint",
        "subject": "电梯又坏了",
        "body": "望江花园3栋电梯修好一周又坏了。",
        "channel": "hotline",
    }
    client.post(reverse("quick-entry"), {**call, "consent_to_follow_up": "on"})
    assert Voice.objects.get().consent_to_follow_up

    response = client.post(
        reverse("quick-entry"), {**call, "phone": "", "consent_to_follow_up": "on"}
    )
    assert response.status_code == 200 and Voice.objects.count() == 1


# The API --------------------------------------------------------------------------------

CALL = {
    "channel": "hotline",
    "subject": "望江路路灯不亮",
    "body": "望江路北段路灯一周没亮，晚上走路很危险。",
    "person": {"name": "李建国", "phone": "13811112222"},
    "external_id": "GD-2025-0001",
}


def api_post(client, user, data):
    headers = {"Authorization": f"Bearer {ApiToken.issue('12345', user)[1]}"}
    return client.post(
        "/api/v1/voices", json.dumps(data), content_type="application/json", headers=headers
    )


def test_a_system_sends_the_consent_and_reads_it_back(client, people):
    response = api_post(client, people["operator"], {**CALL, "consent_to_follow_up": True})
    assert response.status_code == 201 and response.json()["consent_to_follow_up"] is True
    assert Voice.objects.get().consent_to_follow_up
    headers = {"Authorization": f"Bearer {ApiToken.issue('12345', people['operator'])[1]}"}
    listed = client.get("/api/v1/voices", headers=headers).json()["items"]
    assert listed[0]["consent_to_follow_up"] is True


def test_without_it_the_api_says_no(client, people):
    assert api_post(client, people["operator"], CALL).json()["consent_to_follow_up"] is False


def test_the_api_refuses_consent_without_a_phone_to_tell(client, people):
    data = {**CALL, "person": {"name": "李建国"}, "consent_to_follow_up": True}
    response = api_post(client, people["operator"], data)
    assert response.status_code == 422 and not Voice.objects.exists()
    assert "person.phone" in json.dumps(response.json())


def test_the_openapi_document_describes_the_consent(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    assert "consent_to_follow_up" in schemas["VoiceIn"]["properties"]
    assert "decided" in schemas["VoiceIn"]["properties"]["consent_to_follow_up"]["description"]
    assert "consent_to_follow_up" in schemas["VoiceOut"]["required"]


# Imports --------------------------------------------------------------------------------


def import_file(path, *options) -> str:
    out = StringIO()
    call_command("import", str(path), *options, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_an_export_column_of_consent_is_recognised_and_read(db, tmp_path):
    path = xlsx(
        tmp_path / "hotline.xlsx",
        [
            ["工单编号", "来电人", "联系电话", "诉求内容", "同意回访告知"],
            ["GD-1", "王秀英", "13912345678", "望江花园3栋电梯坏了。", "是"],
            ["GD-2", "李建国", "13811112222", "望江路路灯不亮。", "否"],
            ["GD-3", "陈立", "13700001111", "滨湖路夜间施工。", ""],
            ["GD-4", "张伟", "13600002222", "公交站牌倒了。", "同意"],
        ],
    )
    import_file(path)
    consent = dict(Voice.objects.values_list("external_id", "consent_to_follow_up"))
    assert consent == {"GD-1": True, "GD-2": False, "GD-3": False, "GD-4": True}
    assert not any("同意回访告知" in voice.extra for voice in Voice.objects.all())


def test_another_name_of_the_column_is_recognised_too(db, tmp_path):
    path = xlsx(
        tmp_path / "board.xlsx", [["内容", "电话", "同意告知"], ["路灯不亮", "13912345678", "1"]]
    )
    import_file(path)
    assert Voice.objects.get().consent_to_follow_up


def test_an_unreadable_consent_names_its_row_and_column_and_imports_nothing(db, tmp_path):
    path = xlsx(
        tmp_path / "bad.xlsx",
        [["内容", "同意告知"], ["路灯不亮", "是"], ["电梯坏了", "也许"]],
    )
    error = refused(path)
    assert "row 3, 同意告知: “也许” is neither yes nor no; write 是 or 否." in error
    assert not Voice.objects.exists()


def test_the_mapping_page_offers_the_consent_and_guesses_its_column(
    client, people, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(people["operator"])
    path = xlsx(tmp_path / "f.xlsx", [["诉求内容", "同意告知"], ["路灯不亮", "是"]])
    with open(path, "rb") as file:
        response = client.post(
            reverse("import-list"), {"file": file, "source": "import", "channel": "import"}
        )
    page = client.get(response["Location"]).content.decode()
    assert '<option value="consent_to_follow_up" selected>' in page


# The demo -------------------------------------------------------------------------------


def test_in_the_demo_a_share_of_people_with_a_phone_want_to_be_told(db):
    call_command("demo", voices=600, stdout=StringIO(), stderr=StringIO())
    with_phone = Voice.objects.exclude(phone="")
    told = with_phone.filter(consent_to_follow_up=True).count()
    assert 0.3 < told / with_phone.count() < 0.5
    assert not Voice.objects.filter(phone="", consent_to_follow_up=True).exists()
