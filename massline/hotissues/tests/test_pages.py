"""The hot-issue pages: the ranked list and its filters, one issue's evidence, staff actions
through the web, and who may see and do what."""

import pytest
from django.test import Client
from django.urls import reverse

from massline.hotissues import finding
from massline.hotissues.models import HotIssue, IssueAction
from massline.hotissues.tests import stories
from massline.voices.models import CategoryCorrection


@pytest.fixture
def found(city, people):
    stories.background()
    stories.lifts(city)
    stories.noise(city)
    finding.recompute(90)
    return {
        "lifts": HotIssue.objects.get(anchor="望江花园"),
        "noise": HotIssue.objects.get(anchor="滨湖路"),
    }


def as_user(client, user):
    client.force_login(user)
    return client


def test_the_list_ranks_hot_issues_with_place_people_trend_and_why(client, people, found):
    page = as_user(client, people["operator"]).get(reverse("hotissue-list"))
    html = page.content.decode()
    assert page.status_code == 200
    assert found["lifts"].title in html and found["noise"].title in html
    assert found["lifts"].why in html and "<polyline points=" in html
    assert "Last recomputation: Finished" in html and "Recompute now" in html
    titles = [issue.title for issue in page.context["page"]]
    assert titles == sorted(titles, key=lambda t: -HotIssue.objects.get(title=t).heat)


def test_the_list_filters_by_area_category_period_and_status(client, city, people, found):
    client = as_user(client, people["leader"])
    url = reverse("hotissue-list")
    north = client.get(url, {"area": city["north"].pk}).context["page"]
    assert [i.pk for i in north] == [found["lifts"].pk]
    noise = client.get(url, {"category": city["environment"].pk}).context["page"]
    assert list(noise) == []  # the leader of 江北区 does not see 滨湖路's voices
    operator = as_user(Client(HTTP_ACCEPT_LANGUAGE="en"), people["operator"])
    noise = operator.get(url, {"category": city["environment"].pk}).context["page"]
    assert [i.pk for i in noise] == [found["noise"].pk]
    future = operator.get(url, {"since": "2099-01-01"}).context["page"]
    assert list(future) == []
    found["noise"].do_dismiss(people["operator"], "重复")
    dismissed = operator.get(url, {"status": "dismissed"}).context["page"]
    assert [i.pk for i in dismissed] == [found["noise"].pk]
    assert found["noise"] not in operator.get(url).context["page"]


def test_a_problem_raised_all_along_is_marked_chronic_and_filtered_apart(client, people, found):
    stories.said(
        [
            (f"1370000{i:04d}", "青松苑门口路灯不亮", "青松苑门口的路灯又不亮了，晚上走路看不见。")
            for i in range(8)
        ],
        start=84,
        every=11,
    )
    finding.recompute(90)
    lamps = HotIssue.objects.get(anchor="青松苑")
    client = as_user(client, people["operator"])
    url = reverse("hotissue-list")
    page = client.get(url).content.decode()
    assert page.count("issue-chronic") == 1 and "青松苑" in page
    chronic = client.get(url, {"kind": "chronic"}).context["page"]
    sudden = client.get(url, {"kind": "sudden"}).context["page"]
    everything = client.get(url).context["page"]
    assert [i.pk for i in chronic] == [lamps.pk]
    assert {i.pk for i in sudden} == {i.pk for i in everything} - {lamps.pk}
    assert {found["lifts"].pk, found["noise"].pk} <= {i.pk for i in sudden}
    hostile = client.get(url, {"kind": "<script>alert(1)</script>"})
    assert hostile.status_code == 200 and list(hostile.context["page"]) == []
    assert "Select a valid choice" in hostile.content.decode()
    assert "<script>alert(1)</script>" not in hostile.content.decode()


def test_the_evidence_page_shows_the_voices_masked_representatives_first(client, people, found):
    lifts = found["lifts"]
    page = as_user(client, people["housing_handler"]).get(
        reverse("hotissue-detail", args=[lifts.pk])
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert lifts.summary in html and lifts.keywords[0] in html and "<rect" in html
    assert "139****0001" in html and "13900000001" not in html
    members = list(page.context["members"])
    assert len(members) == 5 and members[0].representative and not members[-1].representative
    assert "Act on this issue" not in html  # a handler reads, and corrects categories
    assert "Correct a voice" in html


def test_an_operator_renames_and_merges_through_the_pages(client, people, found):
    lifts, noise = found["lifts"], found["noise"]
    client = as_user(client, people["operator"])
    response = client.post(
        reverse("hotissue-action", args=[lifts.pk, "rename"]), {"title": "望江花园电梯反复停运"}
    )
    assert response.status_code == 302
    lifts.refresh_from_db()
    assert lifts.title == "望江花园电梯反复停运"
    targets = client.get(reverse("hotissue-merge-targets", args=[noise.pk]), {"q": "望江"})
    assert "望江花园电梯反复停运" in targets.content.decode()
    response = client.post(reverse("hotissue-action", args=[noise.pk, "merge"]), {"into": lifts.pk})
    assert response["Location"] == reverse("hotissue-detail", args=[lifts.pk])
    noise.refresh_from_db()
    assert noise.merged_into == lifts
    page = client.get(reverse("hotissue-detail", args=[lifts.pk])).content.decode()
    assert "merged" in page and noise.title in page


def test_split_dismiss_restore_and_category_correction_through_the_pages(
    client, city, people, found
):
    lifts = found["lifts"]
    client = as_user(client, people["leader"])
    ids = list(lifts.memberships.values_list("voice_id", flat=True))[:2]
    response = client.post(
        reverse("hotissue-action", args=[lifts.pk, "split"]), {"voices": ids, "title": ""}
    )
    new = HotIssue.objects.get(pk=response["Location"].split("/")[-2])
    assert set(new.memberships.values_list("voice_id", flat=True)) == set(ids)
    client.post(reverse("hotissue-action", args=[lifts.pk, "dismiss"]), {"reason": "已解决"})
    lifts.refresh_from_db()
    assert lifts.status == "dismissed"
    client.post(reverse("hotissue-action", args=[lifts.pk, "restore"]))
    lifts.refresh_from_db()
    assert lifts.status == "open"
    voice_id = lifts.memberships.values_list("voice_id", flat=True).first()
    client.post(
        reverse("hotissue-action", args=[lifts.pk, "recategorise"]),
        {"voice": voice_id, "category": city["urban"].pk},
    )
    assert CategoryCorrection.objects.get().new == city["urban"]
    assert list(lifts.actions.values_list("action", flat=True)) == [
        "recategorise",
        "restore",
        "dismiss",
        "split",
    ]


def test_bad_input_is_refused_with_a_message_and_nothing_changes(client, people, found):
    lifts, noise = found["lifts"], found["noise"]
    client = as_user(client, people["operator"])
    action = lambda name, **data: client.post(  # noqa: E731
        reverse("hotissue-action", args=[lifts.pk, name]), data
    )
    cases = [
        (action("rename", title="  "), "The title cannot be empty."),
        (action("merge", into=lifts.pk), "cannot be merged into itself"),
        (action("merge", into=999999), "no such issue"),
        (action("merge", into="abc"), "Choose the issue"),
        (action("split"), "Tick the voices"),
        (
            action("split", voices=list(lifts.memberships.values_list("voice_id", flat=True))),
            "every voice",
        ),
        (action("dismiss", reason=""), "Say why"),
    ]
    for response, message in cases:
        assert response.status_code == 400
        assert message in response.content.decode()
    noise.do_dismiss(people["operator"], "重复")
    response = action("merge", into=noise.pk)
    assert response.status_code == 400
    assert "neither dismissed nor merged" in response.content.decode()
    assert client.post(reverse("hotissue-action", args=[lifts.pk, "explode"])).status_code == 403
    assert client.get(reverse("hotissue-detail", args=[999999])).status_code == 404
    lifts.refresh_from_db()
    assert lifts.status == "open" and not lifts.title_edited
    assert list(IssueAction.objects.values_list("action", flat=True)) == ["dismiss"]


def test_the_public_is_sent_to_log_in_and_a_user_without_a_role_is_refused(client, people, found):
    lifts = found["lifts"]
    urls = [
        ("get", reverse("hotissue-list")),
        ("get", reverse("hotissue-detail", args=[lifts.pk])),
        ("post", reverse("hotissue-action", args=[lifts.pk, "rename"])),
        ("post", reverse("hotissue-recompute")),
    ]
    for method, url in urls:
        response = getattr(client, method)(url, {"title": "x"} if method == "post" else {})
        assert response.status_code == 302 and response["Location"].startswith("/login/"), url
    client.force_login(people["nobody"])
    assert client.get(urls[0][1]).status_code == 403
    assert client.get(urls[1][1]).status_code == 404
    assert client.post(urls[2][1], {"title": "x"}).status_code == 404


def test_a_handler_of_another_department_cannot_find_the_issue(client, people, found):
    client = as_user(client, people["ecology_handler"])
    lifts = found["lifts"]
    assert client.get(reverse("hotissue-detail", args=[lifts.pk])).status_code == 404
    assert lifts.title not in client.get(reverse("hotissue-list")).content.decode()
    assert found["noise"].title in client.get(reverse("hotissue-list")).content.decode()
    response = client.post(reverse("hotissue-action", args=[lifts.pk, "rename"]), {"title": "x"})
    assert response.status_code == 404


def test_an_auditor_reads_but_cannot_act_or_recompute(client, people, found):
    lifts = found["lifts"]
    client = as_user(client, people["auditor"])
    page = client.get(reverse("hotissue-detail", args=[lifts.pk]))
    assert page.status_code == 200 and "Act on this issue" not in page.content.decode()
    for name in ("rename", "dismiss", "merge", "split", "recategorise"):
        response = client.post(reverse("hotissue-action", args=[lifts.pk, name]), {"title": "x"})
        assert response.status_code == 403, name
    assert client.post(reverse("hotissue-recompute")).status_code == 403
    assert "Recompute now" not in client.get(reverse("hotissue-list")).content.decode()
    lifts.refresh_from_db()
    assert not lifts.title_edited and not IssueAction.objects.exists()


def test_every_action_needs_the_csrf_token(people, found):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(people["operator"])
    lifts = found["lifts"]
    for name in ("rename", "dismiss", "merge", "split", "recategorise"):
        response = client.post(reverse("hotissue-action", args=[lifts.pk, name]), {"title": "x"})
        assert response.status_code == 403, name
    assert client.post(reverse("hotissue-recompute")).status_code == 403
    assert not IssueAction.objects.exists()


def test_the_pages_speak_chinese_first(people, found):
    client = Client()  # no Accept-Language: the default language
    client.force_login(people["operator"])
    listing = client.get(reverse("hotissue-list")).content.decode()
    assert "热点问题" in listing and "热度" in listing and "立即重新计算" in listing
    detail = client.get(reverse("hotissue-detail", args=[found["lifts"].pk])).content.decode()
    assert "处理本问题" in detail and "每日诉求数" in detail and "更正诉求分类" in detail


def test_an_oversized_title_is_refused_and_a_hostile_one_is_shown_as_text(client, people, found):
    lifts = found["lifts"]
    client = as_user(client, people["operator"])
    rename = reverse("hotissue-action", args=[lifts.pk, "rename"])
    response = client.post(rename, {"title": "电梯" * 101})
    assert response.status_code == 400
    lifts.refresh_from_db()
    assert not lifts.title_edited
    client.post(rename, {"title": "<script>alert(1)</script>电梯"})
    for page in (reverse("hotissue-list"), reverse("hotissue-detail", args=[lifts.pk])):
        html = client.get(page).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;电梯" in html
        assert "<script>alert(1)" not in html


@pytest.mark.parametrize("page", ["abc", "999", "-1", "1" * 30])
def test_a_malformed_or_out_of_range_page_number_shows_a_page_of_the_list(
    client, people, found, page
):
    response = as_user(client, people["leader"]).get(reverse("hotissue-list"), {"page": page})
    assert response.status_code == 200
    assert found["lifts"].title in response.content.decode()
