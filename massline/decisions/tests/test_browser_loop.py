"""The whole loop in a real browser: from the masses, to the masses, and tested in practice.

A leader concentrates the hot issue of 望江花园's lifts into an opinion, records a decision
with two commitments and publishes it; anyone reads it on the public site without an
account; the people who asked to be told get it by email and SMS through real servers;
progress is recorded until both commitments are done; a month later (the browser cannot
wait one: the decision's date is moved back) the verification shows the effect chart, and
the month's cycle report downloads as Word and is read back.
"""

import os
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from docx import Document

from massline.cases.tests.browser import log_in
from massline.cycles.tests import stories
from massline.decisions.models import Decision, Notice
from massline.decisions.tests.back_to_the_masses import raise_voice
from massline.notifications.models import Notification
from massline.notifications.tests.conftest import sms_gateway, smtp_server  # noqa: F401

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("MASSLINE_SCREENSHOTS", "/tmp")  # noqa: S108
DECIDED_DAYS_AGO = 30  # when the decision is taken, once the month has passed
WANG_EMAIL = "wang.xiuying@example.com"


@pytest.fixture
def issue(city):
    """The lifts of 望江花园: eight voices a day for two months, three a day since the month
    the decision will be taken; three people who asked to be told; the same problem at 翠湖
    (a similar issue, the control) steady all along."""
    today = timezone.localdate()
    since = today - timedelta(days=90)
    decided = today - timedelta(days=DECIDED_DAYS_AGO)
    north = city["north_street"]
    found = stories.hot_issue("望江花园", city["property"], start=since, end=today, area=north)
    stories.member(found, stories.voices("望江花园", stories.poisson(8, 60, 1), since, area=north))
    stories.member(
        found, stories.voices("望江花园", stories.poisson(3, 30, 2), decided, area=north)
    )
    people = [
        ("王秀英", "13900000001", WANG_EMAIL, True, "望江花园5栋电梯又停运了", 40),
        ("刘强", "13900000002", "", True, "望江花园电梯经常停运", 45),
        ("陈立", "13900000003", "", False, "望江花园电梯停运困人", 50),
    ]
    stories.member(found, [raise_voice(city, *person) for person in people])
    found.refresh()
    found.save()
    stories.hot_issue("翠湖", city["property"], start=since, end=today)
    stories.voices("翠湖", stories.poisson(5, 90, 3), since)
    return found


def commitment(page, n: int, title: str, deadline, budget: str, milestones: str) -> None:
    row = f"#id_commitments-{n}"
    page.fill(f"{row}-title", title)
    page.select_option(f"{row}-owner", label="housing")
    page.select_option(f"{row}-unit", label="江北区住房和城乡建设局")
    page.fill(f"{row}-deadline", deadline.isoformat())
    page.fill(f"{row}-budget", budget)
    page.fill(f"{row}-milestones", milestones)


def record_done(page, title: str) -> None:
    with page.expect_navigation():
        page.locator("#commitments, main").get_by_role("link", name=title).first.click()
    page.get_by_label("Progress %").fill("100")
    page.get_by_label("Status").select_option("done")
    page.get_by_label("Note").fill("已完成，经居民代表验收。")
    with page.expect_navigation():
        page.locator("#record-progress").click()
    assert "100%" in page.locator("#commitment-progress").inner_text()
    with page.expect_navigation():
        page.locator("main p a").first.click()  # back to the decision


@pytest.mark.django_db(transaction=True)
def test_a_hot_issue_goes_back_to_the_masses_and_is_tested_in_practice(
    page,
    city,
    people,
    issue,
    live_server,
    smtp_server,  # noqa: F811 - the fixture imported above
    sms_gateway,  # noqa: F811
    run_worker,
    tmp_path,
):
    today = timezone.localdate()
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, "leader")

    # A hot issue → a concentrated opinion.
    page.goto(f"/staff/hot-issues/{issue.pk}/")
    with page.expect_navigation():
        page.locator("#draft-opinion").click()
    page.get_by_label("Summary").fill("望江花园电梯老化，频繁停运、困人，维保不及时。")
    with page.expect_navigation():
        page.locator("#save-opinion").click()

    # → a decision with two commitments.
    with page.expect_navigation():
        page.locator("#decide").click()
    page.get_by_label("Title").fill("更换望江花园老旧电梯，维保限时到场")
    page.get_by_label("What will be done, in plain language").fill(
        "区住建局牵头更换望江花园3部老旧电梯；维保单位接报后30分钟内到场。"
    )
    page.get_by_label("Responsible unit").select_option(label="江北区住房和城乡建设局")
    commitment(page, 0, "更换3部老旧电梯", today + timedelta(days=90), "1800000", "")
    commitment(
        page, 1, "维保单位30分钟内到场", today + timedelta(days=30), "", f"{today} 签订维保考核协议"
    )
    with page.expect_navigation():
        page.locator("#save-decision").click()
    decision = Decision.objects.get()
    assert decision.commitments.count() == 2
    assert page.locator("#decision-title").inner_text().startswith(decision.title)

    # → published, and the people who asked are told.
    with page.expect_navigation():
        page.get_by_role("button", name="Publish and tell the people").click()
    assert "2 people are told." in page.locator(".messages").inner_text()
    page.screenshot(path=f"{SHOTS}/loop_decision.png", full_page=True)
    notified = {n.recipient: n.channel for n in Notification.objects.all()}
    assert notified == {WANG_EMAIL: "email", "13900000002": "sms"}  # not 陈立: did not ask
    run_worker()
    (mail,) = smtp_server
    assert mail["To"] == WANG_EMAIL and decision.title in mail.get_content()
    link = re.search(r"http://\S+(/open/notice/[\w-]+/)", mail.get_content())[1]
    (sms,) = sms_gateway[0]
    assert sms["to"] == "13900000002" and "/open/notice/" in sms["text"]

    # The public reads it without an account, and a person answers from their link.
    public = page.context.browser.new_context(base_url=live_server.url, locale="en-US")
    reader = public.new_page()
    reader.set_viewport_size({"width": 390, "height": 844})
    reader.goto("/open/")
    with reader.expect_navigation():
        reader.get_by_role("link", name=decision.title).click()
    assert reader.get_by_text("望江花园电梯停运").first.is_visible()
    assert reader.locator("#commitments .bar").count() == 2
    assert "王秀英" not in reader.locator("main").inner_text()
    reader.goto(link)
    reader.get_by_label("Yes").check()
    with reader.expect_navigation():
        reader.get_by_role("button", name="Send my answer").click()
    assert Notice.objects.get(voice__subject="望江花园5栋电梯又停运了").answer == "yes"

    # → progress recorded until both commitments are done.
    for title in ("维保单位30分钟内到场", "更换3部老旧电梯"):
        record_done(page, title)
    assert page.locator("#decision-progress").inner_text().strip().endswith("100%")
    reader.goto(f"/open/decisions/{decision.pk}/")
    assert reader.locator("#commitments .bar span").evaluate_all(
        "bars => bars.map(b => b.style.width)"
    ) == ["100%", "100%"]
    reader.screenshot(path=f"{SHOTS}/loop_public.png", full_page=True)
    public.close()

    # A month later: verification shows the effect chart…
    Decision.objects.filter(pk=decision.pk).update(
        decided_on=today - timedelta(days=DECIDED_DAYS_AGO)
    )
    with page.expect_navigation():
        page.get_by_role("link", name="Cycles", exact=True).click()
    with page.expect_navigation():
        page.get_by_role("link", name=decision.title).click()
    with page.expect_navigation():
        page.get_by_role("button", name="Verify now").click()
    assert page.locator("#verdict").inner_text() == "Fell (下降)"
    assert "more than noise" in page.locator("#in-words").inner_text()
    page.locator("#effect-chart canvas").wait_for()  # ECharts, from our own static files
    page.screenshot(path=f"{SHOTS}/loop_verification.png", full_page=True)

    # …and the month's cycle report downloads as Word, and opens.
    with page.expect_navigation():
        page.get_by_role("navigation").get_by_role("link", name="Cycles").click()
    with page.expect_navigation():
        page.get_by_role("link", name=f"{today.year}年{today.month}月").click()
    with page.expect_download() as download:
        page.locator("#export-docx").click()
    path = tmp_path / "report.docx"
    download.value.save_as(path)
    document = Document(str(path))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert texts[0] == "社情民意分析报告"
    assert decision.title in texts
