"""The whole path in a real browser, as issue 4 tells it: a person submits → an operator
dispatches → the department replies → the person rates it dissatisfied from the link in
their email → the case reopens → it is replied again → the person rates it satisfied on the
status page → the dashboard's figures change accordingly."""

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail

from massline.cases.models import Case, RoutingRule
from massline.cases.tests.browser import log_in
from massline.voices.models import Voice

pytestmark = pytest.mark.browser

PHONE = "13912348765"


def log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Log out").click()


def reply(page, case: Case, text: str) -> None:
    """The handler answers from the case page (the reply check passes a reply with facts)."""
    log_in(page, "housing")
    page.goto(f"/staff/cases/{case.pk}/")
    form = page.locator("form.reply-form")
    form.get_by_label("Resolved (已解决)").check()
    form.get_by_label("Reply to the person").fill(text)
    form.get_by_role("button", name="Send", exact=True).click()
    page.locator("#answer").get_by_text("Waiting for the person's verdict.").wait_for()
    log_out(page)


def figure(page, key: str) -> str:
    """The value of one figure on the dashboard, as an operator sees it."""
    page.goto("/staff/cases/figures/")
    return page.locator(f"#figure-{key} .figure-value").inner_text().strip()


def test_a_voice_goes_the_whole_way_and_the_figures_follow(
    transactional_db, page, people, city, run_worker
):
    RoutingRule.objects.create(category=city["urban"], department=city["housing"])
    people["housing_handler"].email = "housing@example.org"
    people["housing_handler"].save()

    # The person raises a voice on the public form and keeps the tracking code.
    page.goto("/submit/")
    page.get_by_label("Subject").fill("望江花园3栋电梯停运两周")
    page.get_by_label("What happened").fill(
        "望江花园3栋电梯停运两周，物业一直没有修，老人下不了楼。"
    )
    page.get_by_label("Complaint (投诉)").check()
    page.get_by_label("Your phone").fill(PHONE)
    page.get_by_label("Your email").fill("wang@example.org")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    code = page.locator("#tracking-code").inner_text().strip()
    voice = Voice.objects.get(tracking_code=code)
    voice.category = city["property"]  # what an operator's correction would give
    voice.save(update_fields=["category"])

    # The operator accepts it and dispatches it where the routing table says.
    log_in(page, "operator")
    assert figure(page, "satisfaction") == "—"
    page.goto("/staff/cases/triage/")
    page.locator(f"#voice-{voice.pk}").get_by_role("button", name="Accept as a case").click()
    page.get_by_role("link", name="Dispatch now").click()
    with page.expect_navigation():
        page.locator("form.dispatch").get_by_role("button", name="Dispatch").click()
    case = Case.objects.get(voice=voice)
    assert case.department == city["housing"]
    log_out(page)

    # The department replies; the person's email carries a one-time link to rate it.
    reply(page, case, "我局已于6月3日派员现场核实，责令物业公司更换电梯主板，已恢复运行。")
    run_worker()  # the notifications go out in the background
    to_person = [m for m in mail.outbox if "wang@example.org" in m.to]
    link = re.search(r"https?://\S+/case/callback/[\w-]+/", to_person[-1].body).group(0)
    page.goto(urlsplit(link).path)  # the live server's own address
    page.get_by_label("Dissatisfied (不满意)").check()
    page.locator("input[name=solved][value=no]").check()
    page.get_by_label("Anything you would like to add?").fill("电梯第二天又坏了")
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("Send")).click()
    case.refresh_from_db()
    assert (case.status, case.reopened) == (Case.Status.DISPATCHED, 1)

    log_in(page, "operator")
    assert figure(page, "satisfaction") == "0.0 %"
    assert figure(page, "reopen") == "100.0 %"
    log_out(page)

    # Handled again (重办), replied again, and this time the person is satisfied.
    reply(
        page,
        case,
        "我局于6月9日组织维保单位为望江花园3栋电梯整机更换曳引机，经质监站6月10日检验合格，电梯已恢复运行。",
    )
    page.goto(f"/status/?code={code}")
    page.get_by_label("Last four digits of your phone").fill(PHONE[-4:])
    with page.expect_navigation():
        page.get_by_role("button", name="Check").click()
    page.get_by_text("Handled again (重办)").wait_for()
    page.get_by_label("Satisfied (满意)", exact=True).check()
    page.locator("input[name=solved][value=yes]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send my answer").click()
    page.get_by_text("Your case is closed.").wait_for()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED

    log_in(page, "operator")
    assert figure(page, "satisfaction") == "50.0 %"  # one dissatisfied, one satisfied
    assert figure(page, "resolution") == "50.0 %"
    assert figure(page, "reopen") == "100.0 %"
