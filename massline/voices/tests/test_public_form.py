"""The public form: anyone raises a voice without an account, and gets a tracking code."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from massline.voices.models import Voice, person_key
from massline.voices.tests.samples import png, voice_form

pytestmark = pytest.mark.django_db

IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148 Safari/604.1"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_home_page_offers_to_raise_a_voice_or_to_check_progress(client):
    page = client.get("/").content.decode()
    assert 'href="/submit/"' in page and 'href="/status/"' in page
    assert "Raise a voice" in page and "Check progress" in page


def test_the_public_pages_speak_chinese_unless_the_browser_asks_otherwise():
    page = Client().get("/submit/").content.decode()
    assert '<html lang="zh-hans">' in page


def test_a_person_submits_a_voice_and_is_redirected_to_its_receipt(client):
    response = client.post("/submit/", voice_form())
    voice = Voice.objects.get()
    assert response.status_code == 303
    assert response["Location"] == f"/receipt/{voice.tracking_code}/"
    assert (voice.subject, voice.kind, voice.place) == ("望江路路灯不亮", "complaint", "望江路北段")
    assert voice.channel == Voice.Channel.WEB and voice.status == Voice.Status.RECEIVED
    assert voice.consent_to_publish and voice.created_by is None


def test_the_receipt_shows_the_tracking_code_and_how_to_check_progress_but_no_personal_data(client):
    receipt = client.post("/submit/", voice_form(), follow=True).content.decode()
    voice = Voice.objects.get()
    assert voice.tracking_code in receipt and "Your voice has been received." in receipt
    assert "望江路路灯不亮" in receipt  # the subject confirms what was sent
    assert "last four digits" in receipt and 'href="/status/?code=' in receipt
    for personal in ("李建国", "5678", "望江路20号"):
        assert personal not in receipt


def test_someone_else_opening_a_receipt_link_sees_only_the_code(client):
    client.post("/submit/", voice_form())
    voice = Voice.objects.get()
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(f"/receipt/{voice.tracking_code}/")
    assert page.status_code == 200 and voice.tracking_code in page.content.decode()
    assert "望江路路灯不亮" not in page.content.decode()


def test_a_phone_browser_submits_through_the_mobile_channel(client):
    client.post("/submit/", voice_form(), HTTP_USER_AGENT=IPHONE)
    assert Voice.objects.get().channel == Voice.Channel.MOBILE


def test_an_anonymous_voice_is_accepted_and_the_form_warns_it_cannot_be_looked_up(client):
    form = client.get("/submit/").content.decode()
    assert "without a phone number you cannot check progress" in form
    response = client.post("/submit/", voice_form(name="", phone="", address=""))
    assert response.status_code == 303
    voice = Voice.objects.get()
    assert voice.anonymous and voice.person_key == ""


def test_missing_subject_body_and_kind_are_named_and_nothing_is_saved(client):
    response = client.post("/submit/", voice_form(subject="", body="", kind=""))
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"subject", "body", "kind"}
    assert "Please correct the marked fields below." in response.content.decode()
    assert Voice.objects.count() == 0


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("+86 138-1234-5678", "13812345678"),
        ("0571-8888 6666", "057188886666"),
        ("+86 571 8888 6666", "057188886666"),
        ("8888 6666", "88886666"),
    ],
)
def test_chinese_mobile_and_landline_numbers_are_accepted_as_digits(client, typed, stored):
    assert client.post("/submit/", voice_form(phone=typed)).status_code == 303
    assert Voice.objects.get().phone == stored


@pytest.mark.parametrize("typed", ["12345", "1381234567x", "(0571) 88886666", "+1 202 555 0100"])
def test_a_phone_that_is_not_chinese_is_refused_with_an_example(client, typed):
    response = client.post("/submit/", voice_form(phone=typed))
    assert "This is not a Chinese phone number" in response.context["form"].errors["phone"][0]
    assert Voice.objects.count() == 0


def test_the_area_list_offers_streets_and_above_and_saves_the_chosen_one(client, city):
    form = client.get("/submit/").content.decode()
    assert "江北区 望江街道" in form and "江南区" in form
    client.post("/submit/", voice_form(area=city["north_street"].pk))
    assert Voice.objects.get().area == city["north_street"]


def test_a_chosen_area_stays_chosen_when_the_form_comes_back_with_errors(client, city):
    page = client.post("/submit/", voice_form(subject="", area=city["south"].pk)).content.decode()
    assert f'<option value="{city["south"].pk}" selected>江南区</option>' in page


def test_a_community_or_an_unknown_area_is_refused(client, city):
    from massline.org.models import Area

    community = Area.objects.create(
        name="望江社区", code="3301010101", level=Area.Level.COMMUNITY, parent=city["north_street"]
    )
    assert "望江社区" not in client.get("/submit/").content.decode()
    for area in (community.pk, 999999):
        response = client.post("/submit/", voice_form(area=area))
        assert "area" in response.context["form"].errors
    assert Voice.objects.count() == 0


def test_an_area_added_a_moment_ago_by_another_process_is_accepted(client, city):
    from massline.org.models import Area

    client.get("/submit/")  # this process has cached the areas
    with connection.cursor() as cursor:  # as another process would, without signals
        cursor.execute(
            "INSERT INTO org_area (name, code, level, parent_id, path) VALUES (%s, %s, %s, %s, %s)",
            ["新城街道", "33010102", 3, city["north"].pk, "/3301/330101/33010102/"],
        )
    new = Area.objects.get(code="33010102")
    assert client.post("/submit/", voice_form(area=new.pk)).status_code == 303


def test_the_form_refuses_a_post_without_its_csrf_token():
    browser = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    assert browser.post("/submit/", voice_form()).status_code == 403
    assert Voice.objects.count() == 0


def test_a_script_in_the_subject_is_shown_as_text_on_the_receipt_and_the_status_page(client):
    attack = '<script>alert("x")</script>'
    receipt = client.post("/submit/", voice_form(subject=attack), follow=True)
    code = Voice.objects.get().tracking_code
    status = client.post("/status/", {"code": code, "last4": "5678"})
    for page in (receipt.content.decode(), status.content.decode()):
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
        assert attack not in page


def test_the_stored_row_holds_no_clear_name_phone_or_address(client):
    client.post("/submit/", voice_form())
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM voices_voice")
        row = " ".join(str(value) for value in cursor.fetchone())
    for clear in ("李建国", "13812345678", "138 1234 5678", "1234", "望江路20号"):
        assert clear not in row
    voice = Voice.objects.get()
    assert voice.name == "李建国" and voice.address == "江北区望江路20号"
    assert voice.person_key == person_key(phone="13812345678")
    assert "13812345678" not in voice.person_key and "5678" not in voice.person_key


def test_a_submission_reads_nothing_but_its_rate_limit_counter(client, city):
    client.get("/submit/")  # the area list is cached in the process, as on a busy server
    photo = SimpleUploadedFile("灯.png", png())
    with CaptureQueriesContext(connection) as queries:
        form = voice_form(area=city["north_street"].pk, attachments=[photo])
        assert client.post("/submit/", form).status_code == 303
    tables = [q["sql"].split()[2].strip('"') for q in queries if q["sql"].startswith("INSERT")]
    assert not [q["sql"] for q in queries if q["sql"].upper().startswith(("SELECT", "UPDATE"))]
    assert tables == ["voices_ratewindow", "voices_voice", "voices_attachment"]
