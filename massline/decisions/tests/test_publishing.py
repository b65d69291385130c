"""Publishing a decision: a leader or an administrator publishes it, and every person of its
hot issue who asked to be told gets one message — by email, else SMS — with their own link;
nobody twice, however often it is published; the notices page shows who was told, masked,
and what they answered."""

import re

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse

from massline.decisions.models import Decision, Notice, Programme
from massline.decisions.publishing import publish, record_answer
from massline.decisions.tests.back_to_the_masses import (
    ANONYMOUS_EMAIL,
    WANG_EMAIL,
    lift_decision,
    lift_issue,
    raise_voice,
)
from massline.hotissues.models import Membership
from massline.notifications.models import Notification
from massline.notifications.tests.conftest import sms_gateway, smtp_server  # noqa: F401
from massline.org import roles
from massline.org.models import Staff


@pytest.fixture
def issue(city):
    return lift_issue(city)


@pytest.fixture
def decision(issue, people, city):
    return lift_decision(issue, people, city)


def publish_page(client, user, decision, **data):
    client.force_login(user)
    return client.post(reverse("decision-publish", args=[decision.pk]), data)


def told() -> dict[str, str]:
    """{recipient: channel} of the notifications about decisions."""
    return {
        n.recipient: n.channel
        for n in Notification.objects.filter(reference__startswith="decision:")
    }


def test_a_leader_publishes_and_each_person_who_asked_is_told_once(client, people, decision):
    response = publish_page(client, people["leader"], decision)
    assert response.status_code == 302
    assert response["Location"] == reverse("decision-notices", args=[decision.pk])
    decision.refresh_from_db()
    assert decision.status == Decision.Status.PUBLISHED and decision.published_at

    # 王秀英 by email on her first voice; 刘强 by SMS; the anonymous neighbour by email.
    # Not 陈立 (did not ask), not 赵敏 (a landline), not 孙伟 (another issue).
    assert told() == {WANG_EMAIL: "email", "13900000002": "sms", ANONYMOUS_EMAIL: "email"}
    wang = Notice.objects.get(
        notification__in=[n for n in Notification.objects.all() if n.recipient == WANG_EMAIL]
    )
    assert wang.voice.subject == "望江花园5栋电梯又停运了"
    assert all(n.notification.reference == f"decision:{decision.pk}" for n in Notice.objects.all())
    page = client.get(response["Location"]).content.decode()
    assert "Published on the public site. 3 people are told." in page


def test_publishing_again_tells_nobody_twice_but_tells_who_joined_since(
    client, people, decision, issue, city
):
    publish_page(client, people["leader"], decision)
    response = publish_page(client, people["leader"], decision)
    assert Notification.objects.count() == 3 and Notice.objects.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "Already published; nobody is told twice. 0 people are told." in page

    late = raise_voice(city, "周婷", "13900000007", "", True, "望江花园电梯停了一天", 1)
    Membership.objects.create(issue=issue, voice=late)
    again = raise_voice(city, "刘强", "13900000002", "", True, "望江花园电梯又坏", 1)
    Membership.objects.create(issue=issue, voice=again)
    publish(decision, people["admin"])
    assert told() == {
        WANG_EMAIL: "email",
        "13900000002": "sms",
        ANONYMOUS_EMAIL: "email",
        "13900000007": "sms",
    }
    assert Notification.objects.count() == 4
    first = Decision.objects.get(pk=decision.pk).published_at
    publish(decision, people["admin"])
    assert Decision.objects.get(pk=decision.pk).published_at == first


def test_a_decision_already_verified_stays_verified_when_published_again(people, decision):
    publish(decision, people["leader"])
    Decision.objects.filter(pk=decision.pk).update(status=Decision.Status.VERIFIED)
    publish(decision, people["leader"])
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.VERIFIED


def test_those_who_may_not_publish_are_refused_and_nothing_changes(client, people, decision, city):
    for who in ("operator", "housing_handler", "auditor"):
        assert publish_page(client, people[who], decision).status_code == 403, who
    assert publish_page(client, people["ecology_handler"], decision).status_code == 404
    south = User.objects.create_user("south-leader")
    south.groups.add(Group.objects.get(name=roles.LEADER))
    Staff.objects.create(user=south, area=city["south"])
    assert publish_page(client, south, decision).status_code == 404  # not their area's issue
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.DRAFT
    assert not Notification.objects.exists()

    client.logout()
    response = client.post(reverse("decision-publish", args=[decision.pk]))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    client.force_login(people["leader"])
    assert client.get(reverse("decision-publish", args=[decision.pk])).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(people["leader"])
    assert strict.post(reverse("decision-publish", args=[decision.pk])).status_code == 403
    assert not Notice.objects.exists()


def test_the_button_brings_back_to_its_page_but_never_off_the_site(client, people, decision):
    back = publish_page(client, people["leader"], decision, next="/staff/decisions/")
    assert back["Location"] == "/staff/decisions/"
    away = publish_page(client, people["leader"], decision, next="https://evil.example/")
    assert away["Location"] == reverse("decision-notices", args=[decision.pk])


def test_the_notices_page_shows_who_was_told_masked_and_counts_the_answers(
    client, people, decision
):
    notices = {n.notification.recipient: n for n in publish(decision, people["leader"])}
    record_answer(notices[WANG_EMAIL], "yes", "希望尽快开工")
    record_answer(notices["13900000002"], "no")
    client.force_login(people["auditor"])  # reads, never publishes
    page = client.get(reverse("decision-notices", args=[decision.pk])).content.decode()
    assert "w***@example.com" in page and "139****0002" in page and "l***@example.com" in page
    assert WANG_EMAIL not in page and "13900000002" not in page and "王秀英" not in page
    assert "王**" in page and "希望尽快开工" in page
    counts = {
        key: re.search(rf'id="answers-{key}">(\d+)<', page)[1]
        for key in ("yes", "partly", "no", "unanswered")
    }
    assert counts == {"yes": "1", "partly": "0", "no": "1", "unanswered": "1"}
    assert "Publish and tell the people" not in page and "Withdraw" not in page


def test_the_notices_page_is_for_those_who_see_the_issue(client, people, decision):
    client.force_login(people["ecology_handler"])
    assert client.get(reverse("decision-notices", args=[decision.pk])).status_code == 404
    client.force_login(people["nobody"])
    assert client.get(reverse("decision-notices", args=[decision.pk])).status_code == 403


def test_a_withdrawn_decision_leaves_the_public_site_and_tells_nobody_again(
    client, people, decision
):
    publish(decision, people["leader"])
    client.force_login(people["leader"])
    client.post(reverse("decision-unpublish", args=[decision.pk]))
    assert Decision.objects.get(pk=decision.pk).status == Decision.Status.DRAFT
    client.logout()
    assert client.get(reverse("public-decision", args=[decision.pk])).status_code == 404
    publish_page(client, people["leader"], decision)
    assert Notification.objects.count() == 3
    assert client.get(reverse("public-decision", args=[decision.pk])).status_code == 200


def test_a_staff_page_shows_the_button_to_those_who_may_publish(people, decision):
    from django.template import Context, Template
    from django.test import RequestFactory

    def button(user) -> str:
        request = RequestFactory().get("/staff/decisions/1/")
        request.user = user
        template = Template("{% load publishing %}{% publish_button decision %}")
        return template.render(Context({"decision": decision, "request": request}))

    html = button(people["leader"])
    assert f'action="{reverse("decision-publish", args=[decision.pk])}"' in html
    assert 'name="next" value="/staff/decisions/1/"' in html
    assert "decision-publish" not in button(people["operator"]) and "<form" not in button(
        people["operator"]
    )


# Through the real mail server and SMS gateway -----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_people_get_the_message_with_their_link_and_answer_once(
    client,
    people,
    decision,
    settings,
    smtp_server,  # noqa: F811 - the fixture imported above
    sms_gateway,  # noqa: F811
    run_worker,
):
    publish_page(client, people["leader"], decision)
    assert not smtp_server  # sent after the commit, by the worker
    run_worker()

    assert sorted(mail["To"] for mail in smtp_server) == [ANONYMOUS_EMAIL, WANG_EMAIL]
    mail = next(m for m in smtp_server if m["To"] == WANG_EMAIL)
    text = mail.get_content()
    assert "望江花园5栋电梯又停运了" in text and "更换望江花园老旧电梯" in text
    assert "江北区住房和城乡建设局" in text
    link = re.search(r"http://\S+/open/notice/[\w-]+/", text)[0]
    (sms,) = sms_gateway[0]
    assert sms["to"] == "13900000002" and "/open/notice/" in sms["text"]
    assert set(Notification.objects.values_list("status", flat=True)) == {"sent"}

    client.logout()
    path = link.removeprefix(settings.SITE_URL)
    assert "Does this solve the problem you raised?" in client.get(path).content.decode()
    client.post(path, {"answer": "partly", "comment": "还要加装扶手"})
    client.post(path, {"answer": "no"})
    notice = Notice.objects.get(voice__subject="望江花园5栋电梯又停运了")
    assert (notice.answer, notice.comment) == ("partly", "还要加装扶手")


def test_a_livelihood_programme_is_published_and_withdrawn_by_those_who_publish(client, people):
    programme = Programme.objects.create(title="2026年民生实事", year=2026)
    url = reverse("programme-publish", args=[programme.pk])
    client.force_login(people["operator"])
    assert client.post(url).status_code == 403
    client.force_login(people["admin"])
    response = client.post(url)
    assert response["Location"] == reverse("programme-detail", args=[programme.pk])
    programme.refresh_from_db()
    assert programme.published_at
    client.logout()
    assert client.get(reverse("public-programme", args=[programme.pk])).status_code == 200
    client.force_login(people["leader"])
    client.post(url, {"withdraw": "1", "next": reverse("public-programmes")})
    assert Programme.objects.get(pk=programme.pk).published_at is None
    assert client.get(reverse("public-programme", args=[programme.pk])).status_code == 404


def test_a_programme_page_shows_its_button_to_those_who_may_publish(people):
    from django.template import Context, Template
    from django.test import RequestFactory

    programme = Programme.objects.create(title="2026年民生实事", year=2026)

    def button(user) -> str:
        request = RequestFactory().get("/staff/decisions/programmes/1/")
        request.user = user
        template = Template("{% load publishing %}{% publish_programme_button programme %}")
        return template.render(Context({"programme": programme, "request": request}))

    assert reverse("programme-publish", args=[programme.pk]) in button(people["admin"])
    assert "<form" not in button(people["housing_handler"])
