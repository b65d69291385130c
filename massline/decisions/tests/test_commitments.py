"""A decision with its commitments, their progress recorded with a history and rolled up
into their parents, and who may record it."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from massline.decisions.models import Commitment, CommitmentUpdate, Decision, Opinion
from massline.decisions.tests import stories


@pytest.fixture
def decision(city, people):
    return stories.decision(city, people)


def commitment_row(n: int, **fields) -> dict:
    return {f"commitments-{n}-{name}": value for name, value in fields.items()}


def test_an_operator_records_a_decision_with_two_commitments(client, city, people):
    opinion = Opinion.draft(stories.lifts_issue(city), people["operator"])
    client.force_login(people["operator"])
    url = reverse("decision-create", args=[opinion.pk])
    form = client.get(url).content.decode()
    assert 'id="id_commitments-0-title"' in form and 'id="id_commitments-1-title"' in form
    data = {
        "title": "望江花园电梯全面检修",
        "text": "三个月内检修全部电梯。",
        "unit": city["housing"].pk,
        "commitments-TOTAL_FORMS": "2",
        "commitments-INITIAL_FORMS": "0",
        **commitment_row(
            0,
            title="检修全部电梯",
            owner=people["housing_handler"].pk,
            unit=city["housing"].pk,
            deadline="2027-03-31",
            budget="300000",
            milestones="2027-01-15 开工\n\n2027-03-31 完工",
        ),
        **commitment_row(
            1,
            title="公示维修进度",
            owner=people["operator"].pk,
            unit=city["housing"].pk,
            deadline="2027-01-31",
        ),
    }
    response = client.post(url, data)
    decision = Decision.objects.get()
    assert response.url == reverse("decision-detail", args=[decision.pk])
    page = client.get(response.url).content.decode()
    assert "检修全部电梯" in page and "公示维修进度" in page and "江北区住房和城乡建设局" in page
    assert "2027-01-15</span> 开工" in page and "Committed." in page
    repair = decision.commitments.get(title="检修全部电梯")
    assert [(m.due_on, m.title) for m in repair.milestones.all()] == [
        (date(2027, 1, 15), "开工"),
        (date(2027, 3, 31), "完工"),
    ]
    assert repair.budget == 300000 and decision.commitments.get(title="公示维修进度").budget is None


def test_the_decision_form_grows_by_one_commitment_row_at_a_time(client, city, people):
    opinion = Opinion.draft(stories.lifts_issue(city), people["operator"])
    url = reverse("decision-commitment-row", args=[opinion.pk])
    client.force_login(people["operator"])
    row = client.get(url, {"commitments-TOTAL_FORMS": "2"}, HTTP_HX_REQUEST="true")
    html = row.content.decode()
    assert 'id="commitment-3"' in html and 'id="id_commitments-2-title"' in html
    assert 'name="commitments-TOTAL_FORMS" value="3"' in html and 'hx-swap-oob="true"' in html
    assert client.get(url, {"commitments-TOTAL_FORMS": "x"}).status_code == 400
    client.force_login(people["housing_handler"])
    assert client.get(url, {"commitments-TOTAL_FORMS": "2"}).status_code == 403


def test_a_decision_form_with_a_bad_milestone_or_no_commitment_saves_nothing(client, city, people):
    opinion = Opinion.draft(stories.lifts_issue(city), people["operator"])
    client.force_login(people["operator"])
    url = reverse("decision-create", args=[opinion.pk])
    base = {
        "title": "检修",
        "text": "检修电梯。",
        "unit": city["housing"].pk,
        "commitments-TOTAL_FORMS": "2",
        "commitments-INITIAL_FORMS": "0",
    }
    empty = client.post(url, base)
    assert empty.status_code == 400 and "A decision needs at least one commitment." in (
        empty.content.decode()
    )
    bad = client.post(
        url,
        {
            **base,
            **commitment_row(
                0,
                title="检修",
                owner=people["operator"].pk,
                unit=city["housing"].pk,
                deadline="2027-03-31",
                milestones="下个月 开工",
            ),
        },
    )
    assert bad.status_code == 400 and "Line 1: write a milestone as" in bad.content.decode()
    assert not Decision.objects.exists()


def test_the_owners_handler_records_progress_and_the_history_shows_it(client, decision, people):
    repair = decision.commitments.get(title="检修全部电梯")
    client.force_login(people["housing_handler"])
    url = reverse("commitment-detail", args=[repair.pk])
    assert 'id="progress-form"' in client.get(url).content.decode()
    started = repair.milestones.get(title="开工")
    response = client.post(
        url, {"progress": "40", "status": "on_track", "note": "已开工三栋", "reached": started.pk}
    )
    assert response.url == url
    page = client.get(url).content.decode()
    assert "已开工三栋" in page and 'value="40"' in page
    assert "(done on " in page and 'name="reached"' in page  # 完工 is still to come
    started.refresh_from_db()
    assert started.done_on is not None
    repair.refresh_from_db()
    assert (repair.progress, repair.status) == (40, "on_track")
    assert list(repair.updates.values_list("progress", "note", "by__username")) == [
        (40, "已开工三栋", "housing"),
        (0, "Committed.", "operator"),
    ]


def test_a_handler_of_another_department_cannot_record_progress(client, decision, people):
    repair = decision.commitments.get(title="检修全部电梯")
    client.force_login(people["ecology_handler"])
    url = reverse("commitment-detail", args=[repair.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'id="progress-form"' not in page.content.decode()
    assert client.post(url, {"progress": "90", "status": "on_track"}).status_code == 403
    client.force_login(people["auditor"])
    assert client.post(url, {"progress": "90", "status": "on_track"}).status_code == 403
    repair.refresh_from_db()
    assert repair.progress == 0 and repair.updates.count() == 1
    with pytest.raises(ValidationError):
        repair.record(people["ecology_handler"], 90, "on_track")


def test_anonymous_people_are_sent_to_log_in(client, decision):
    commitment = decision.commitments.first()
    for url in (
        reverse("decision-detail", args=[decision.pk]),
        reverse("commitment-detail", args=[commitment.pk]),
    ):
        response = client.post(url, {"progress": "90", "status": "on_track"})
        assert response.status_code in (302, 405)
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


@pytest.mark.parametrize(
    ("progress", "status", "error"),
    [
        (101, "on_track", "Progress is a whole number from 0 to 100."),
        (90, "done", "A commitment that is done is at 100 %."),
        (50, "finished", "Unknown status."),
    ],
)
def test_progress_and_status_are_checked(decision, people, progress, status, error):
    repair = decision.commitments.get(title="检修全部电梯")
    with pytest.raises(ValidationError, match=error):
        repair.record(people["operator"], progress, status)
    assert repair.updates.count() == 1


def test_done_without_100_is_refused_on_the_page(client, decision, people):
    repair = decision.commitments.get(title="检修全部电梯")
    client.force_login(people["operator"])
    response = client.post(
        reverse("commitment-detail", args=[repair.pk]), {"progress": "80", "status": "done"}
    )
    assert response.status_code == 400
    assert "A commitment that is done is at 100 %." in response.content.decode()


def parts(decision, people, city, budgets):
    """The repair split into three parts with these budgets."""
    repair = decision.commitments.get(title="检修全部电梯")
    return repair, [
        repair.add_part(
            people["operator"],
            title=f"{n}栋电梯",
            owner=people["housing_handler"],
            unit=city["housing"],
            deadline=repair.deadline,
            budget=budget,
        )
        for n, budget in enumerate(budgets, start=1)
    ]


def test_a_parent_rolls_up_its_parts_progress_weighted_by_budget(decision, people, city):
    repair, (one, two, three) = parts(decision, people, city, [100000, 100000, 200000])
    one.record(people["housing_handler"], 100, "done", "1栋完工")
    two.record(people["housing_handler"], 50, "on_track")
    repair.refresh_from_db()
    # (100·10 + 50·10 + 0·20) / 40 = 37.5 → 38
    assert (repair.progress, repair.status) == (38, "on_track")
    assert list(repair.updates.values_list("progress", flat=True)[:2]) == [38, 25]
    assert repair.updates.first().note == "Rolled up from its parts."
    three.record(people["housing_handler"], 100, "done")
    two.record(people["housing_handler"], 100, "done")
    repair.refresh_from_db()
    assert (repair.progress, repair.status) == (100, "done") and repair.done_on is not None
    with pytest.raises(ValidationError, match="roll-up of its parts"):
        repair.record(people["operator"], 10, "on_track")


def test_without_every_budget_the_roll_up_is_the_mean_and_dropped_parts_do_not_count(
    decision, people, city
):
    repair, (one, two, three) = parts(decision, people, city, [100000, None, 500000])
    one.record(people["housing_handler"], 90, "on_track")
    two.record(people["housing_handler"], 30, "delayed")
    repair.refresh_from_db()
    assert (repair.progress, repair.status) == (40, "delayed")  # (90 + 30 + 0) / 3
    three.record(people["housing_handler"], 0, "dropped", "并入小区改造")
    repair.refresh_from_db()
    assert repair.progress == 60  # (90 + 30) / 2
    assert list(repair.children.values_list("progress", flat=True)) == [90, 30, 0]


def test_the_commitment_page_shows_its_parts_and_no_form(client, decision, people, city):
    repair, (one, _two, _three) = parts(decision, people, city, [1, 1, 2])
    one.record(people["housing_handler"], 100, "done")
    client.force_login(people["operator"])
    page = client.get(reverse("commitment-detail", args=[repair.pk])).content.decode()
    assert 'id="parts"' in page and "1栋电梯" in page and 'id="progress-form"' not in page
    assert "25%" in page


def test_overdue_and_kept(decision, people):
    repair = decision.commitments.get(title="检修全部电梯")
    check = decision.commitments.get(title="检查维保单位")
    with time_machine.travel(date(2027, 3, 1)):
        check_overdue = check.is_overdue
        repair.record(people["operator"], 100, "done")
    assert check_overdue and not repair.is_overdue
    assert repair.kept and repair.done_on == date(2027, 3, 1)
    assert list(Commitment.objects.kept()) == [repair]
    with time_machine.travel(date(2027, 3, 10)):
        check.record(people["operator"], 100, "done")
        assert list(Commitment.objects.overdue()) == []
    assert not check.kept  # done after its deadline
    assert check.deadline < check.done_on <= check.deadline + timedelta(days=10)
    assert CommitmentUpdate.objects.filter(status="done").count() == 2


@pytest.mark.parametrize(
    ("action", "may", "may_not"),
    [
        ("decision-publish", "leader", "housing_handler"),
        ("decision-verify", "operator", "housing_handler"),
    ],
)
def test_the_decision_page_offers_publishing_and_verifying_to_those_who_may(
    client, decision, people, action, may, may_not
):
    url = reverse("decision-detail", args=[decision.pk])
    link = reverse(action, args=[decision.pk])
    client.force_login(people[may])
    assert link in client.get(url).content.decode()
    client.force_login(people[may_not])
    assert link not in client.get(url).content.decode()


def test_an_operator_splits_a_commitment_into_parts_on_its_page(client, decision, people, city):
    repair = decision.commitments.get(title="检修全部电梯")
    repair.record(people["operator"], 40, "on_track")
    url = reverse("commitment-add-part", args=[repair.pk])
    part = {
        "part-title": "1栋电梯",
        "part-owner": people["housing_handler"].pk,
        "part-unit": city["housing"].pk,
        "part-deadline": "2027-02-28",
        "part-budget": "50000",
        "part-milestones": "2027-01-20 开工",
    }
    client.force_login(people["housing_handler"])
    assert client.post(url, part).status_code == 403
    client.force_login(people["operator"])
    page = client.get(reverse("commitment-detail", args=[repair.pk])).content.decode()
    assert 'id="part-form"' in page
    bad = client.post(url, {**part, "part-deadline": ""})
    assert bad.status_code == 400 and 'id="add-part" open' in bad.content.decode()
    response = client.post(url, part)
    assert response.url == reverse("commitment-detail", args=[repair.pk])
    (one,) = repair.children.all()
    assert (one.decision, one.budget, one.milestones.get().title) == (decision, 50000, "开工")
    repair.refresh_from_db()
    assert repair.progress == 0  # now the roll-up of its one part, not started
    page = client.get(response.url).content.decode()
    assert 'id="parts"' in page and "1栋电梯" in page
