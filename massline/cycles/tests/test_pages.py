"""The cycle pages through HTTP: verifying a decision and its before/after chart, the cycle
report with its downloads, and who may see and do what."""

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from openpyxl import load_workbook

from massline.cycles.models import Reopening, Verification
from massline.cycles.tests import stories
from massline.hotissues.models import HotIssue

TODAY = timezone.localdate()
DECIDED = TODAY - timedelta(days=30)
SINCE = DECIDED - timedelta(days=60)


@pytest.fixture
def decided(city, people):
    """望江花园's lifts: 8 voices a day before a decision of 30 days ago, 3 a day since; a
    similar issue elsewhere steady at 5; both commitments due."""
    north = city["north_street"]
    issue = stories.hot_issue("望江花园", city["property"], start=SINCE, end=TODAY, area=north)
    stories.member(issue, stories.voices("望江花园", stories.poisson(8, 60, 1), SINCE, area=north))
    stories.voices("望江花园", stories.poisson(3, 30, 2), DECIDED, area=north)
    stories.hot_issue("翠湖", city["property"], start=SINCE, end=TODAY)
    stories.voices("翠湖", stories.poisson(5, 90, 3), SINCE)
    return stories.decision(
        issue, people["leader"], city["housing"], decided_on=DECIDED, deadlines=[TODAY, DECIDED]
    )


def as_user(client, user):
    client.force_login(user)
    return client


def test_a_leader_verifies_a_due_decision_and_sees_the_fall_in_words(client, people, decided):
    client = as_user(client, people["leader"])
    page = client.get(reverse("decision-verify", args=[decided.pk]))
    assert page.status_code == 200 and b'id="verify"' in page.content
    done = client.post(reverse("decision-verify", args=[decided.pk]), follow=True)
    verification = Verification.objects.get()
    assert done.redirect_chain[-1][0] == reverse("verification-detail", args=[verification.pk])
    html = done.content.decode()
    assert "Fell (下降)" in html and "more than noise" in html
    assert 'id="effect-chart"' in html and "echarts.min.js" in html
    assert html.count("<rect ") == 90  # the plain chart: one bar a day
    assert "The issue went away" in html and "翠湖电梯停运" in html


def test_noise_reopens_the_issue_and_the_page_says_into_which_cycle(client, city, people):
    north = city["north_street"]
    issue = stories.hot_issue("望江花园", city["property"], start=SINCE, end=TODAY, area=north)
    stories.member(issue, stories.voices("望江花园", stories.poisson(5, 60, 1), SINCE, area=north))
    stories.voices("望江花园", stories.poisson(5, 30, 2), DECIDED, area=north)
    decision = stories.decision(
        issue, people["leader"], city["housing"], decided_on=DECIDED, deadlines=[DECIDED]
    )
    client = as_user(client, people["operator"])
    html = client.post(reverse("decision-verify", args=[decision.pk]), follow=True)
    html = html.content.decode()
    assert "No clear effect (无明显变化)" in html and "no clear effect" in html
    reopening = Reopening.objects.get()
    assert f"carried into the cycle of {reopening.into_cycle:%Y-%m}" in html
    assert reverse("cycle-report", args=[f"{reopening.into_cycle:%Y-%m}"]) in html

    # The hot issue's own page now tells its history: opinion → decision → verification.
    html = client.get(reverse("hotissue-detail", args=[issue.pk])).content.decode()
    assert 'class="badge issue-reopened"' in html
    assert f"reopened into the cycle of {reopening.into_cycle:%Y-%m}" in html
    loop = html.split('id="issue-loop"')[1].split("</section>")[0]
    assert reverse("opinion-detail", args=[decision.opinion.pk]) in loop
    assert reverse("decision-detail", args=[decision.pk]) in loop
    assert reverse("verification-detail", args=[reopening.verification.pk]) in loop
    assert "No clear effect (无明显变化)" in loop and "Reopened into the next cycle" in loop
    listed = client.get(reverse("hotissue-list"), {"status": "all"}).content.decode()
    row = listed.split(f'href="{reverse("hotissue-detail", args=[issue.pk])}"')[1].split("</tr>")[0]
    assert 'class="badge issue-reopened"' in row


def test_a_hot_issue_acted_on_and_gone_away_is_not_marked_reopened(client, people, decided):
    client = as_user(client, people["leader"])
    client.post(reverse("decision-verify", args=[decided.pk]))
    html = client.get(reverse("hotissue-detail", args=[decided.opinion.hot_issue.pk]))
    html = html.content.decode()
    assert "The issue went away" in html.split('id="issue-loop"')[1]
    assert "issue-reopened" not in html
    listed = client.get(reverse("hotissue-list"), {"status": "all"}).content.decode()
    assert listed.count('class="badge issue-decided"') == 1 and "issue-reopened" not in listed


def test_a_decision_with_commitments_still_running_cannot_be_verified(client, people, decided):
    decided.commitments.filter(title="承诺1").update(deadline=TODAY + timedelta(days=10))
    client = as_user(client, people["leader"])
    page = client.get(reverse("decision-verify", args=[decided.pk]))
    assert b'id="not-due"' in page.content and b'id="verify"' not in page.content
    assert "承诺1" in page.content.decode()
    refused = client.post(reverse("decision-verify", args=[decided.pk]))
    assert refused.status_code == 400
    assert "not all due yet: 承诺1" in refused.content.decode()
    assert not Verification.objects.exists()


def test_the_cycle_report_page_compares_with_the_previous_cycle_and_downloads(
    client, people, decided
):
    Verification.do_verify(decided, people["leader"])
    month = f"{TODAY:%Y-%m}"
    client = as_user(client, people["leader"])
    page = client.get(reverse("cycle-report", args=[month]))
    html = page.content.decode()
    assert page.status_code == 200 and "社情民意分析报告" in html
    assert 'id="voices-chart"' in html and 'id="figures-chart"' in html
    figures = {f.key: f for f, _row in page.context["figures"]}
    assert figures["verified"].value == 1
    due = html.split('id="table-commitments"')[1].split("</section>")[0]
    assert f"{TODAY:%Y-%m-%d}" in due  # dates read as on every other page
    docx = client.get(reverse("cycle-report-export", args=[month, "docx"]))
    assert docx["Content-Disposition"] == f'attachment; filename="cycle-report-{month}.docx"'
    document = Document(io.BytesIO(docx.content))
    assert document.paragraphs[0].text == "社情民意分析报告"
    xlsx = client.get(reverse("cycle-report-export", args=[month, "xlsx"]))
    assert "Verifications" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    assert client.get("/staff/cycles/2026-13/").status_code == 404


def test_the_cycles_page_lists_months_and_decisions_due_for_verification(client, people, decided):
    client = as_user(client, people["operator"])
    html = client.get(reverse("cycle-list")).content.decode()
    assert reverse("decision-verify", args=[decided.pk]) in html
    assert reverse("cycle-report-export", args=[f"{TODAY:%Y-%m}", "docx"]) in html
    Verification.do_verify(decided, people["operator"])
    html = client.get(reverse("cycle-list")).content.decode()
    assert reverse("decision-verify", args=[decided.pk]) not in html
    assert reverse("verification-detail", args=[Verification.objects.get().pk]) in html


def test_anonymous_people_are_sent_to_log_in(client, decided, people):
    verification = Verification.do_verify(decided, people["leader"])
    for url in (
        reverse("cycle-list"),
        reverse("cycle-report", args=["2026-11"]),
        reverse("cycle-report-export", args=["2026-11", "docx"]),
        reverse("decision-verify", args=[decided.pk]),
        reverse("verification-detail", args=[verification.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 302 and page["Location"].startswith("/login/"), url


def test_handlers_may_not_verify_nor_read_cycle_reports(client, people, decided):
    client = as_user(client, people["housing_handler"])
    assert client.get(reverse("cycle-list")).status_code == 403
    assert client.get(reverse("cycle-report", args=["2026-11"])).status_code == 403
    assert client.post(reverse("decision-verify", args=[decided.pk])).status_code == 403
    assert not Verification.objects.exists()


def test_auditors_read_but_do_not_verify(client, people, decided):
    verification = Verification.do_verify(decided, people["leader"])
    client = as_user(client, people["auditor"])
    assert client.get(reverse("verification-detail", args=[verification.pk])).status_code == 200
    assert client.get(reverse("cycle-report", args=["2026-11"])).status_code == 200
    page = client.get(reverse("decision-verify", args=[decided.pk]))
    assert page.status_code == 200 and b'id="verify"' not in page.content
    assert client.post(reverse("decision-verify", args=[decided.pk])).status_code == 403


def test_a_leader_of_another_area_cannot_open_the_decision(client, city, people, decided):
    from massline.org.models import Staff

    Staff.objects.filter(user=people["leader"]).update(area=city["south"])
    HotIssue.objects.update(area=None)
    client = as_user(client, people["leader"])
    assert client.get(reverse("decision-verify", args=[decided.pk])).status_code == 404
    assert client.post(reverse("decision-verify", args=[decided.pk])).status_code == 404


def test_the_verification_speaks_chinese_by_default(people, decided):
    verification = Verification.do_verify(decided, people["leader"])
    client = as_user(Client(), people["leader"])
    html = client.get(reverse("verification-detail", args=[verification.pk])).content.decode()
    assert "新增诉求是否下降？" in html and "超出随机波动，变化是真实的" in html
    assert "（扣除同类问题的变化）" in html and "问题已解决" in html
