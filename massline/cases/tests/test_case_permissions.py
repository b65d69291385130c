"""Per-object permissions of cases: a department never sees or acts on another department's
case, a leader sees what they own and their area, outsiders see nothing."""

import pytest
from django.test import Client

from massline.cases.models import Case
from massline.voices.models import Voice

STEPS = {
    "dispatch": {"dispatch-department": "{ecology}"},
    "send_back": {"send_back-reason": "不是我们的"},
    "escalate": {"escalate-department": "{ecology}", "escalate-reason": "提级"},
    "take_charge": {},
    "assign_owner": {"assign_owner-owner": "{leader}"},
    "contact": {"contact-note": "已联系"},
}


@pytest.fixture
def housing_case(voice, people, city):
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["housing"])
    return case


@pytest.fixture
def south_case(people, city):
    voice = Voice.objects.create(
        channel="web", subject="滨湖街道夜间施工噪音", body="噪音", area=city["south_street"]
    )
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["ecology"])
    return case


def post_data(step: str, city, people) -> dict:
    values = {"ecology": city["ecology"].pk, "leader": people["leader"].pk}
    return {k: str(v).format(**values) for k, v in STEPS[step].items()}


def unchanged(case: Case) -> bool:
    fresh = Case.objects.get(pk=case.pk)
    return (fresh.status, fresh.department_id, fresh.owner_id, fresh.contacted_at) == (
        case.status,
        case.department_id,
        case.owner_id,
        case.contacted_at,
    ) and fresh.events.count() == case.events.count()


@pytest.mark.parametrize("step", STEPS)
def test_another_department_neither_sees_nor_acts_on_a_case(
    client, people, city, housing_case, step
):
    client.force_login(people["ecology_handler"])
    assert client.get(f"/staff/cases/{housing_case.pk}/").status_code == 404
    response = client.post(
        f"/staff/cases/{housing_case.pk}/step/{step}/", post_data(step, city, people)
    )
    assert response.status_code == 404
    assert unchanged(housing_case)


def test_another_departments_cases_are_not_on_its_workbench_nor_in_its_batch(
    client, people, housing_case
):
    client.force_login(people["ecology_handler"])
    assert housing_case.voice.subject not in client.get("/staff/cases/").content.decode()
    assert housing_case.voice.subject not in client.get("/staff/cases/?status=all").content.decode()
    client.post("/staff/cases/contact/", {"cases": [housing_case.pk]})
    assert unchanged(housing_case)
    # nor the voice behind it, nor its person
    assert client.get(f"/staff/voices/{housing_case.voice_id}/").status_code == 404
    response = client.post(f"/staff/voices/{housing_case.voice_id}/reveal/", {"purpose": "看看"})
    assert response.status_code == 404


def test_a_leader_sees_their_area_and_the_cases_they_own_elsewhere(
    client, people, housing_case, south_case
):
    client.force_login(people["leader"])  # their area is the north district
    assert client.get(f"/staff/cases/{housing_case.pk}/").status_code == 200
    assert client.get(f"/staff/cases/{south_case.pk}/").status_code == 404
    response = client.post(f"/staff/cases/{south_case.pk}/step/take_charge/")
    assert response.status_code == 404 and unchanged(south_case)

    south_case.set_owner(people["operator"], people["leader"])
    assert client.get(f"/staff/cases/{south_case.pk}/").status_code == 200
    page = client.get("/staff/cases/").content.decode()
    assert south_case.voice.subject in page and housing_case.voice.subject in page


def test_a_handler_may_not_take_a_dispatchers_step_on_its_own_case(
    client, people, city, housing_case
):
    client.force_login(people["housing_handler"])
    for step in ("take_charge", "assign_owner"):
        response = client.post(
            f"/staff/cases/{housing_case.pk}/step/{step}/", post_data(step, city, people)
        )
        assert response.status_code == 403
    assert client.post(f"/staff/cases/{housing_case.pk}/step/reopen/").status_code == 404
    assert unchanged(housing_case)


def test_an_auditor_reads_a_case_but_takes_no_step(client, people, city, housing_case):
    client.force_login(people["auditor"])
    page = client.get(f"/staff/cases/{housing_case.pk}/").content.decode()
    assert housing_case.voice.subject in page and "What you can do" not in page
    for step in STEPS:
        response = client.post(
            f"/staff/cases/{housing_case.pk}/step/{step}/", post_data(step, city, people)
        )
        assert response.status_code == 403
    assert unchanged(housing_case)


@pytest.mark.parametrize(
    "path", ["/staff/cases/", "/staff/cases/supervisor/", "/staff/cases/triage/"]
)
def test_outsiders_get_no_case_list(client, people, path):
    client.force_login(people["nobody"])
    assert client.get(path).status_code == 403
    assert Client().get(path).status_code == 302  # to the login page


def test_outsiders_get_no_case_and_take_no_step(client, people, city, housing_case):
    client.force_login(people["nobody"])
    assert client.get(f"/staff/cases/{housing_case.pk}/").status_code == 404
    for step in STEPS:
        response = client.post(
            f"/staff/cases/{housing_case.pk}/step/{step}/", post_data(step, city, people)
        )
        assert response.status_code == 404
    assert client.post("/staff/cases/contact/", {"cases": [housing_case.pk]}).status_code == 403
    anonymous = Client()
    assert anonymous.get(f"/staff/cases/{housing_case.pk}/").status_code == 302
    assert anonymous.post(f"/staff/cases/{housing_case.pk}/step/contact/").status_code == 302
    assert unchanged(housing_case)


def test_a_step_needs_the_csrf_token(people, housing_case):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["housing_handler"])
    response = strict.post(f"/staff/cases/{housing_case.pk}/step/contact/", {"contact-note": "x"})
    assert response.status_code == 403
    assert unchanged(housing_case)
