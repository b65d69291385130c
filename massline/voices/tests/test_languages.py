from django.test import Client


def test_the_public_form_speaks_chinese_by_default(db):
    page = Client().get("/submit/").content.decode()
    assert "反映诉求" in page or "我要反映" in page
    assert "Raise a voice" not in page


def test_a_browser_asking_for_english_gets_english(db):
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get("/submit/").content.decode()
    assert "Raise a voice" in page


def test_a_person_can_switch_language_and_it_sticks(db):
    client = Client()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert "Raise a voice" in client.get("/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "Raise a voice" not in client.get("/").content.decode()
