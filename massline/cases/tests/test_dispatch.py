"""Dispatch, returns, escalation, leaders in charge, the case page and the workbench, as
the staff who use them see them."""

from datetime import timedelta

import pytest
from django.utils import timezone

from massline.cases.models import Case, Event, RoutingRule
from massline.org.models import Department, Staff
from massline.voices.models import PersonalDataAccess, Voice


@pytest.fixture
def routing(city):
    return RoutingRule.objects.create(
        category=city["urban"], area=city["north"], department=city["housing"]
    )


@pytest.fixture
def case(voice, people, routing):
    return Case.accept(voice, people["operator"])


@pytest.fixture
def dispatched(case, people, city):
    case.dispatch(people["operator"], city["housing"])
    return case


def login(client, people, who):
    client.force_login(people[who])
    return client


def test_the_case_page_proposes_the_routing_tables_department_and_one_click_dispatches(
    client, people, case, city
):
    login(client, people, "operator")
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "The routing table proposes <strong>江北区住房和城乡建设局</strong>" in page
    assert f'<option value="{city["housing"].pk}" selected>' in page
    assert '<optgroup label="District or county (区县)">' in page
    assert "王**" in page and "王秀英" not in page  # the person, masked
    response = client.post(
        f"/staff/cases/{case.pk}/step/dispatch/", {"dispatch-department": city["housing"].pk}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.department) == (Case.Status.DISPATCHED, city["housing"])
    page = client.get(f"/staff/cases/{case.pk}/").content.decode()
    assert "Dispatched (派单)" in page and "left" in page  # the timeline and the time left
    assert Voice.objects.get(pk=case.voice_id).department == city["housing"]


def test_dispatching_to_an_unknown_department_changes_nothing(client, people, case):
    login(client, people, "operator")
    response = client.post(f"/staff/cases/{case.pk}/step/dispatch/", {"dispatch-department": 999})
    assert response.status_code == 400
    assert "Choose one of the departments listed." in response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.ACCEPTED and not case.events.filter(kind="dispatched")


def test_a_department_returns_a_case_once_and_twice_returned_it_waits_for_the_supervisor(
    client, people, dispatched, city
):
    chief = people["leader"]
    Staff.objects.create(user=people["operator"], supervisor=chief)
    handler = login(client, people, "housing_handler")
    response = handler.post(
        f"/staff/cases/{dispatched.pk}/step/send_back/", {"send_back-reason": ""}
    )
    assert (
        response.status_code == 400 and "Say why the case is returned." in response.content.decode()
    )
    handler.post(
        f"/staff/cases/{dispatched.pk}/step/send_back/", {"send_back-reason": "非本局职责"}
    )
    dispatched.refresh_from_db()
    assert dispatched.status == Case.Status.ACCEPTED and dispatched.department is None
    # the returning department sees neither the case nor its voice any more
    assert handler.get(f"/staff/cases/{dispatched.pk}/").status_code == 404
    assert handler.get(f"/staff/voices/{dispatched.voice_id}/").status_code == 404

    operator = login(client, people, "operator")
    page = operator.get(f"/staff/cases/{dispatched.pk}/").content.decode()
    assert f'<option value="{city["housing"].pk}"' not in page  # it returned the case
    operator.post(
        f"/staff/cases/{dispatched.pk}/step/dispatch/", {"dispatch-department": city["ecology"].pk}
    )
    login(client, people, "ecology_handler").post(
        f"/staff/cases/{dispatched.pk}/step/send_back/", {"send_back-reason": "也非本局"}
    )
    dispatched.refresh_from_db()
    assert (dispatched.returns, dispatched.supervisor) == (2, chief)
    # the operator may no longer dispatch it; the supervisor sees it waiting
    operator = login(client, people, "operator")
    response = operator.post(
        f"/staff/cases/{dispatched.pk}/step/dispatch/", {"dispatch-department": city["ecology"].pk}
    )
    assert response.status_code == 403
    leader = login(client, people, "leader")
    assert "1</strong> returned twice" in leader.get("/staff/cases/").content.decode()
    queue = leader.get("/staff/cases/supervisor/").content.decode()
    assert dispatched.voice.subject in queue
    city_office = Department.objects.create(name="临江市住建委", code="LJ-ZJ", tier=1)
    leader.post(
        f"/staff/cases/{dispatched.pk}/step/dispatch/", {"dispatch-department": city_office.pk}
    )
    dispatched.refresh_from_db()
    assert dispatched.department == city_office and dispatched.supervisor is None


def test_escalation_offers_only_higher_tiers_and_needs_a_reason(client, people, dispatched):
    city_office = Department.objects.create(name="临江市住建委", code="LJ-ZJ", tier=1)
    street = Department.objects.create(name="望江街道办", code="WJ", tier=3)
    handler = login(client, people, "housing_handler")
    page = handler.get(f"/staff/cases/{dispatched.pk}/").content.decode()
    escalate = page[page.index('class="step escalate"') :].split("</form>")[0]
    assert city_office.name in escalate and street.name not in escalate
    url = f"/staff/cases/{dispatched.pk}/step/escalate/"
    response = handler.post(url, {"escalate-department": street.pk, "escalate-reason": "街道办"})
    assert response.status_code == 400
    response = handler.post(url, {"escalate-department": city_office.pk, "escalate-reason": " "})
    assert response.status_code == 400 and "higher tier" in response.content.decode()
    handler.post(url, {"escalate-department": city_office.pk, "escalate-reason": "涉及全市资金"})
    dispatched.refresh_from_db()
    assert dispatched.department == city_office
    assert dispatched.events.get(kind=Event.Kind.ESCALATED).reason == "涉及全市资金"


def test_a_leader_takes_charge_and_their_name_is_on_the_case(client, people, dispatched):
    people["leader"].first_name, people["leader"].last_name = "建国", "李"
    people["leader"].save()
    leader = login(client, people, "leader")
    leader.post(f"/staff/cases/{dispatched.pk}/step/take_charge/")
    dispatched.refresh_from_db()
    assert dispatched.owner == people["leader"]
    page = leader.get(f"/staff/cases/{dispatched.pk}/").content.decode()
    assert '<dd class="owner">李建国</dd>' in page
    assert "<strong>Leader in charge (包案)</strong> → 李建国" in " ".join(page.split())


def test_an_operator_puts_a_leader_in_charge_but_not_a_handler(client, people, dispatched):
    operator = login(client, people, "operator")
    url = f"/staff/cases/{dispatched.pk}/step/assign_owner/"
    response = operator.post(url, {"assign_owner-owner": people["housing_handler"].pk})
    assert response.status_code == 400
    assert dispatched.events.filter(kind="owned").count() == 0
    operator.post(url, {"assign_owner-owner": people["leader"].pk})
    dispatched.refresh_from_db()
    assert dispatched.owner == people["leader"]


def test_the_handler_records_contact_and_reveals_the_person_through_the_logged_flow(
    client, people, dispatched
):
    handler = login(client, people, "housing_handler")
    page = handler.get(f"/staff/cases/{dispatched.pk}/").content.decode()
    assert f'action="/staff/voices/{dispatched.voice_id}/reveal/"' in page
    response = handler.post(f"/staff/voices/{dispatched.voice_id}/reveal/", {"purpose": "联系群众"})
    assert "王秀英" in response.content.decode()
    assert PersonalDataAccess.objects.filter(user=people["housing_handler"]).count() == 1
    handler.post(f"/staff/cases/{dispatched.pk}/step/contact/", {"contact-note": "已电话联系"})
    dispatched.refresh_from_db()
    assert dispatched.contacted_at is not None
    assert dispatched.events.get(kind="contacted").reason == "已电话联系"


def make_cases(people, city, count: int) -> list[Case]:
    cases = []
    for n in range(count):
        voice = Voice.objects.create(
            channel="web", subject=f"第{n}号诉求", body="内容", area=city["north_street"]
        )
        case = Case.accept(voice, people["operator"])
        case.dispatch(people["operator"], city["housing"])
        cases.append(case)
    return cases


def test_the_workbench_puts_overdue_cases_first_and_filters_them(client, people, city):
    soon, late, overdue = make_cases(people, city, 3)
    now = timezone.now()
    Case.objects.filter(pk=soon.pk).update(reply_by=now + timedelta(days=2), urgency="urgent")
    Case.objects.filter(pk=late.pk).update(reply_by=now + timedelta(days=9))
    Case.objects.filter(pk=overdue.pk).update(reply_by=now - timedelta(hours=5))
    handler = login(client, people, "housing_handler")
    page = handler.get("/staff/cases/").content.decode()
    assert page.index("第2号诉求") < page.index("第0号诉求") < page.index("第1号诉求")
    assert '<tr class="overdue">' in page and "overdue</span>" in page
    assert "<strong>3</strong> open" in page and "<strong>1</strong> overdue" in page
    only_overdue = handler.get("/staff/cases/?overdue=on").content.decode()
    assert "第2号诉求" in only_overdue and "第0号诉求" not in only_overdue
    urgent = handler.get("/staff/cases/?urgency=urgent").content.decode()
    assert "第0号诉求" in urgent and "第1号诉求" not in urgent
    assert "No case matches." in handler.get("/staff/cases/?status=bogus").content.decode()


def test_a_leader_sees_their_own_cases_first(client, people, city):
    first, second = make_cases(people, city, 2)
    Case.objects.filter(pk=first.pk).update(reply_by=timezone.now() + timedelta(days=1))
    second.set_owner(people["leader"], people["leader"])
    page = login(client, people, "leader").get("/staff/cases/").content.decode()
    assert page.index("第1号诉求") < page.index("第0号诉求")
    mine = client.get("/staff/cases/?owner=me").content.decode()
    assert "第1号诉求" in mine and "第0号诉求" not in mine


def test_batch_contact_records_all_the_selected_cases_or_none(client, people, city):
    mine = make_cases(people, city, 2)
    other_voice = Voice.objects.create(channel="web", subject="江南噪音", body="噪音")
    other = Case.accept(other_voice, people["operator"])
    other.dispatch(people["operator"], city["ecology"])
    handler = login(client, people, "housing_handler")
    response = handler.post(
        "/staff/cases/contact/", {"cases": [mine[0].pk, other.pk], "note": "电话"}, follow=True
    )
    assert "Select a valid choice" in response.content.decode()
    assert not Case.objects.exclude(contacted_at=None).exists()
    response = handler.post(
        "/staff/cases/contact/", {"cases": [c.pk for c in mine], "note": "电话"}, follow=True
    )
    assert "Contact recorded for 2 cases." in response.content.decode()
    assert Case.objects.exclude(contacted_at=None).count() == 2
    response = handler.post("/staff/cases/contact/", {"note": "电话"}, follow=True)
    assert "Tick the cases first." in response.content.decode()


def test_the_workbench_speaks_chinese(people, city):
    from django.test import Client

    make_cases(people, city, 1)
    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    chinese.force_login(people["housing_handler"])
    page = chinese.get("/staff/cases/").content.decode()
    assert "答复期限" in page and "剩余" in page and "办理中" in page
