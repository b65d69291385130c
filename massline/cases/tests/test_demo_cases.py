"""`massline demo` gives its voices a year of cases: every stage present, each case's
fields matching its events, and the dashboard showing figures of them."""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from massline.cases.models import Callback, Case, Event, Reply
from massline.voices.models import Voice

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", voices=3000, stdout=StringIO(), stderr=StringIO())


def test_demo_cases_reach_every_stage(demo):
    statuses = dict(Case.objects.values_list("status").annotate(n=Count("id")))
    assert statuses[Case.Status.CLOSED] > 2000
    for status in (Case.Status.DISPATCHED, Case.Status.REPLIED, Case.Status.DECLINED):
        assert statuses.get(status), status
    assert Case.objects.filter(reopened__gt=0).exists()
    assert Case.objects.filter(returns=1).exists()
    assert Case.objects.overdue().exists()
    assert Callback.objects.filter(via=Callback.Via.PHONE).exists()
    months = {d.month for d in Case.objects.dates("accepted_at", "month")}
    assert len(months) == 12


def per_case(model, **filters) -> dict[int, int]:
    rows = model.objects.filter(**filters).values("case").annotate(n=Count("id"))
    return {row["case"]: row["n"] for row in rows}


def test_each_demo_case_agrees_with_its_events(demo):
    reopens = per_case(Event, kind=Event.Kind.REOPENED)
    closes = per_case(Event, kind=Event.Kind.CLOSED)
    replied = per_case(Event, kind=Event.Kind.REPLIED)
    ratings, replies = per_case(Callback), per_case(Reply)
    for case in Case.objects.all():
        assert reopens.get(case.pk, 0) == case.reopened
        assert replied.get(case.pk, 0) == replies.get(case.pk, 0)
        if case.status == Case.Status.CLOSED:
            assert closes[case.pk] == 1 and ratings[case.pk] == case.reopened + 1
            assert replies[case.pk] == ratings[case.pk] and case.closed_at >= case.replied_at
        if case.status == Case.Status.DISPATCHED:
            assert case.replied_at is None and case.reply_by and case.department_id
    # A voice's status follows its case; voices not triaged yet are still "received".
    assert (
        not Voice.objects.filter(case__status=Case.Status.CLOSED)
        .exclude(status=Voice.Status.CLOSED)
        .exists()
    )
    assert not Voice.objects.filter(case=None).exclude(status=Voice.Status.RECEIVED).exists()


def test_the_leader_sees_the_demo_figures_of_their_district(demo, client):
    client.force_login(User.objects.get(username="leader"))
    response = client.get(reverse("cases-figures"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        'id="figure-satisfaction"' in html
        and "—" not in html.split('id="figure-satisfaction"')[1][:200]
    )
