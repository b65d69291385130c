"""The public site at /open/, read by anyone without an account: published decisions with
the hot issue each answers, commitments with progress and milestones, the livelihood
projects, the replies people agreed to publish — never a name, phone or address — and each
person's own link to answer "does this solve your problem?", once."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from massline.cases.models import Case
from massline.decisions.models import Commitment, Decision, Notice, Programme
from massline.decisions.publishing import publish, record_answer
from massline.decisions.tests.back_to_the_masses import (
    WANG_EMAIL,
    lift_decision,
    lift_issue,
    raise_voice,
)
from massline.voices.models import Voice

PERSONAL = ["王秀英", "刘强", "13900000001", "13900000002", WANG_EMAIL, "望江路18号"]


@pytest.fixture
def issue(city):
    return lift_issue(city)


@pytest.fixture
def decision(issue, people, city):
    found = lift_decision(issue, people, city)
    publish(found, people["leader"])
    return found


def public_page(path: str, client=None) -> str:
    response = (client or Client(HTTP_ACCEPT_LANGUAGE="en")).get(path)
    assert response.status_code == 200, path
    return response.content.decode()


def no_personal_data(page: str) -> None:
    for text in PERSONAL:
        assert text not in page, text


# Decisions ------------------------------------------------------------------------------


def test_the_index_lists_published_decisions_newest_first_with_issue_unit_and_progress(
    people, city, decision
):
    newer = lift_decision(lift_issue(city), people, city, title="望江花园加装电梯应急呼叫")
    publish(newer, people["admin"])
    lift_decision(lift_issue(city), people, city, title="还在起草的决定")

    page = public_page(reverse("public-index"))
    assert page.index("望江花园加装电梯应急呼叫") < page.index("更换望江花园老旧电梯")
    assert "还在起草的决定" not in page
    assert "In answer to: 望江花园电梯频繁停运" in page
    assert "Responsible unit: 江北区住房和城乡建设局" in page
    # The lifts 40 % done (their two parts at 60 and 20 %), the repairs not started: 20 %.
    assert decision.progress == 20
    assert re.search(
        r'<span style="width: 20%"></span></div> <strong class="num">20%</strong>', page
    )
    no_personal_data(page)


def test_a_decision_page_tells_what_will_be_done_and_the_problem_it_answers(decision):
    page = public_page(reverse("public-decision", args=[decision.pk]))
    assert "更换望江花园老旧电梯，维保单位限时到场" in page
    assert "年内更换望江花园3部老旧电梯；<br>维保单位接报后30分钟内到场。" in page
    assert "望江花园电梯频繁停运" in page and "望江花园" in page
    people = re.search(r"People who raised it</dt><dd[^>]*>(\d+)<", page)[1]
    assert people == "5"  # 王秀英 twice; the anonymous neighbour is one more
    assert page.count("<rect ") == len(decision.opinion.hot_issue.trend)  # voices per day
    assert "居民反映停运" not in page  # the summary, drawn from the voices' words
    no_personal_data(page)


def test_the_commitments_show_progress_parts_milestones_deadline_unit_and_money(decision):
    page = public_page(reverse("public-decision", args=[decision.pk]))
    section = page[page.index('id="commitments"') :]
    assert section.index("维保单位30分钟内到场") < section.index("更换3部老旧电梯")  # by deadline
    assert "第1批电梯更换" in section and "第2批电梯更换" in section
    assert 'style="width: 40%"' in section and 'style="width: 60%"' in section
    assert "Budget: 1,800,000 yuan" in section
    deadline = (timezone.localdate() + timedelta(days=30)).isoformat()
    assert f"Deadline: {deadline}" in section and "Unit: 江北区住房和城乡建设局" in section
    assert "签订维保考核协议" in section and f"done on {timezone.localdate():%Y-%m-%d}" in section
    assert "公布维保值班电话" in section
    owner = decision.commitments.first().owner
    assert owner.username not in section  # staff are named by their unit only


def test_a_draft_decision_is_not_there_for_the_public(people, city, issue):
    draft = lift_decision(issue, people, city)
    assert Client().get(reverse("public-decision", args=[draft.pk])).status_code == 404
    assert Client().get(reverse("public-decision", args=[draft.pk + 99])).status_code == 404


def test_what_staff_wrote_is_shown_as_text_never_as_markup(people, city, issue):
    hostile = lift_decision(issue, people, city, title="<script>alert('x')</script>电梯")
    Decision.objects.filter(pk=hostile.pk).update(text="<img src=x onerror=alert(1)>")
    publish(hostile, people["leader"])
    for path in (reverse("public-index"), reverse("public-decision", args=[hostile.pk])):
        page = public_page(path)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;电梯" in page


def test_the_public_site_speaks_chinese_first(decision):
    page = public_page(reverse("public-decision", args=[decision.pk]), Client())
    assert "承诺事项" in page and "责任单位" in page and "What is promised" not in page
    assert "180万元" in page  # money as people read it
    assert "政府决策公开" in public_page(reverse("public-index"), Client())


def test_the_public_pages_take_few_queries(decision, people, city, django_assert_max_num_queries):
    for _ in range(3):
        publish(lift_decision(lift_issue(city), people, city), people["leader"])
    with django_assert_max_num_queries(8):
        public_page(reverse("public-index"))
    with django_assert_max_num_queries(12):
        public_page(reverse("public-decision", args=[decision.pk]))


# Livelihood projects --------------------------------------------------------------------


@pytest.fixture
def programme(people, city):
    found = Programme.objects.create(
        title="2026年民生实事", year=2026, published_at=timezone.now(), description="为民办实事。"
    )
    today = timezone.localdate()
    for category, title, budget, progress, status in [
        ("教育", "新建幼儿园2所", "30000000", 100, Commitment.Status.DONE),
        ("教育", "中小学食堂改造", "5000000", 50, Commitment.Status.ON_TRACK),
        ("养老", "社区助餐点10个", "2000000", 30, Commitment.Status.ON_TRACK),
    ]:
        Commitment.objects.create(
            programme=found,
            category=category,
            title=title,
            owner=people["housing_handler"],
            unit=city["housing"],
            deadline=today + timedelta(days=200),
            budget=Decimal(budget),
            progress=progress,
            status=status,
        )
    return found


def test_the_programmes_show_projects_done_progress_and_money_by_category(programme):
    page = public_page(reverse("public-programmes"))
    rows = re.findall(
        r"<tr(?: class=\"total\")?>\s*<td>(.*?)</td><td class=\"num\">(\d+)</td>"
        r"<td class=\"num\">(\d+)</td>\s*<td class=\"num\">(\d+)%</td>"
        r"<td class=\"num\">(\d+)</td>",
        page,
    )
    assert rows == [
        ("教育", "2", "1", "75", "3500"),
        ("养老", "1", "0", "30", "200"),
        ("All", "3", "1", "60", "3700"),
    ]
    detail = public_page(reverse("public-programme", args=[programme.pk]))
    assert "新建幼儿园2所" in detail and "社区助餐点10个" in detail and "为民办实事。" in detail
    assert "2026年民生实事" in public_page(reverse("public-index"))


def test_an_unpublished_programme_is_not_there_for_the_public(programme):
    Programme.objects.filter(pk=programme.pk).update(published_at=None)
    assert Client().get(reverse("public-programme", args=[programme.pk])).status_code == 404
    assert "2026年民生实事" not in public_page(reverse("public-programmes"))
    assert "2026年民生实事" not in public_page(reverse("public-index"))


# Published replies ----------------------------------------------------------------------


def reply_to(voice: Voice, people, city, text: str) -> None:
    case = Case.accept(voice, people["operator"])
    case.dispatch(people["operator"], city["housing"])
    case.reply(people["housing_handler"], "resolved", text)


def test_replies_are_published_only_where_the_person_agreed_and_only_their_words(people, city):
    agreed = raise_voice(city, "王秀英", "13900000001", "", False, "望江花园电梯停运", 3)
    Voice.objects.filter(pk=agreed.pk).update(consent_to_publish=True)
    agreed.refresh_from_db()
    private = raise_voice(city, "刘强", "13900000002", "", False, "家里漏水楼上不管", 2)
    reply_to(
        agreed,
        people,
        city,
        "王秀英您好：已联系维保单位更换主板，电梯3月8日恢复运行。联系人王工13700001234。",
    )
    reply_to(private, people, city, "已协调楼上住户维修防水层。")

    page = public_page(reverse("public-replies"))
    assert "望江花园电梯停运" in page and "电梯3月8日恢复运行" in page
    assert "江北区住房和城乡建设局" in page and "Resolved (已解决)" in page
    assert "家里漏水楼上不管" not in page and "防水层" not in page
    assert "137****1234" in page and "13700001234" not in page
    assert "王**您好" in page  # the person's name, masked where the reply greets them
    assert "请尽快处理" not in page  # the voice's own text may hold an address: not shown
    no_personal_data(page)


def test_the_published_replies_come_a_page_at_a_time(people, city):
    for n in range(21):
        voice = raise_voice(city, "", "", "", False, f"路灯不亮第{n}处", 30 - n)
        Voice.objects.filter(pk=voice.pk).update(consent_to_publish=True)
        reply_to(voice, people, city, f"第{n}处路灯已修复。")
    first = public_page(reverse("public-replies"))
    assert "第20处路灯已修复" in first and "第0处路灯已修复" not in first
    assert "Page 1 of 2" in first
    assert "第0处路灯已修复" in public_page(reverse("public-replies") + "?page=2")


# The person's own link ------------------------------------------------------------------


@pytest.fixture
def notice(decision):
    return Notice.objects.get(voice__subject="望江花园5栋电梯又停运了")


def test_the_person_reads_the_decision_and_answers_once(client, notice):
    path = reverse("public-notice", args=[notice.token])
    page = public_page(path, client)
    assert "Does this solve the problem you raised?" in page
    assert "望江花园5栋电梯又停运了" in page and "更换3部老旧电梯" in page
    no_personal_data(page)

    thanks = client.post(path, {"answer": "yes", "comment": "<b>谢谢</b>"}).content.decode()
    assert "Your answer was recorded" in thanks
    client.post(path, {"answer": "no", "comment": "改主意了"})
    notice.refresh_from_db()
    assert (notice.answer, notice.comment) == ("yes", "<b>谢谢</b>")
    again = public_page(path, client)
    assert "You answered on" in again and "Yes, it addresses my problem" in again
    assert 'name="answer"' not in again


def test_an_answer_needs_yes_partly_or_no(client, notice):
    response = client.post(reverse("public-notice", args=[notice.token]), {"answer": "maybe"})
    assert response.status_code == 400 and "Please choose yes, partly or no." in (
        response.content.decode()
    )
    notice.refresh_from_db()
    assert notice.answer == ""


def test_an_unknown_link_and_a_withdrawn_decisions_link_look_the_same(client, notice):
    unknown = client.get(reverse("public-notice", args=["not-a-real-token"]))
    assert unknown.status_code == 404 and "This link is not valid" in unknown.content.decode()
    Decision.objects.filter(pk=notice.decision_id).update(status=Decision.Status.DRAFT)
    withdrawn = client.get(reverse("public-notice", args=[notice.token]))
    assert withdrawn.status_code == 404 and "This link is not valid" in withdrawn.content.decode()
    assert "望江花园" not in withdrawn.content.decode()


def test_answers_are_rate_limited_like_the_callback_link(client, notice, settings):
    settings.PUBLIC_CALLBACK_RATE = "2/600"
    path = reverse("public-notice", args=[notice.token])
    for _ in range(2):
        assert client.post(path, {"answer": ""}).status_code == 400
    limited = client.post(path, {"answer": "yes"})
    assert limited.status_code == 429 and limited["Retry-After"]
    notice.refresh_from_db()
    assert notice.answer == ""


def test_answering_needs_the_csrf_token(notice):
    strict = Client(enforce_csrf_checks=True)
    assert (
        strict.post(reverse("public-notice", args=[notice.token]), {"answer": "yes"}).status_code
        == 403
    )


def test_a_verified_decision_shows_what_the_test_in_practice_found(people, decision):
    from django.utils.html import escape

    from massline.cycles.models import Verification

    for commitment in decision.commitments.filter(children=None):
        commitment.record(people["leader"], 100, "done")
    record_answer(Notice.objects.get(voice__subject="望江花园5栋电梯又停运了"), "yes")
    verification = Verification.do_verify(decision, people["leader"])
    page = public_page(reverse("public-decision", args=[decision.pk]))
    section = page[page.index('id="verification"') :]
    assert verification.get_verdict_display() in section
    assert escape(verification.in_words()) in section
    assert "100% of the 1 answer from the people concerned are satisfied." in section
    assert "Tested in practice" not in public_page(reverse("public-index"))
