"""A hot issue concentrated into an opinion: the drafted evidence, agreement and minority,
editing it, and who may."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from massline.decisions.models import Opinion
from massline.decisions.tests import stories
from massline.hotissues import finding
from massline.hotissues.models import HotIssue


@pytest.fixture
def lifts(city, people):
    return stories.lifts_issue(city)


def test_the_draft_takes_the_issues_summary_voices_and_evidence(lifts, people):
    opinion = Opinion.draft(lifts, people["operator"])
    e = opinion.evidence
    assert opinion.title == lifts.title and opinion.summary == lifts.summary
    assert (e["people"], e["voices"]) == (5, 6)
    assert e["anchor"] == "望江花园" and e["area"] == "临江市江北区望江街道"
    assert e["category"] == "城乡建设 / 物业管理"
    assert sum(n for _, n in e["trend"]) == 6 and e["keywords"] == lifts.keywords
    assert dict(e["kinds"]) == {"complaint": 5, "suggestion": 1}
    marked = set(lifts.memberships.filter(representative=True).values_list("voice", flat=True))
    assert set(opinion.representative_voices.values_list("pk", flat=True)) == marked


def test_the_draft_says_what_most_share_and_who_sees_it_differently(lifts, people):
    opinion = Opinion.draft(lifts, people["operator"])
    assert "5 of 5 people mention “电梯”" in opinion.agreement
    assert "5 of 5 people mention “停运”" in opinion.agreement
    assert opinion.minority.startswith("1 voice sees it differently")
    assert "望江花园电梯的建议" in opinion.minority and "Suggestion" in opinion.minority
    assert [v.subject for v in opinion.minority_voices] == ["望江花园电梯的建议"]


def test_a_request_for_help_raises_the_same_problem_and_other_words_are_a_minority(
    lifts, people, city
):
    from massline.hotissues.models import Membership
    from massline.voices.models import Voice

    help_, other = (
        Voice.objects.create(
            channel=Voice.Channel.HOTLINE,
            kind=kind,
            subject=subject,
            body=body,
            area=city["north_street"],
            department=city["housing"],
        )
        for kind, subject, body in [
            (Voice.Kind.HELP, "求助：电梯停运", "望江花园电梯停运，老人下不了楼，请帮忙。"),
            (Voice.Kind.COMPLAINT, "望江花园门口积水", "望江花园门口一下雨就积水。"),
        ]
    )
    Membership.objects.bulk_create(Membership(issue=lifts, voice=v) for v in (help_, other))
    opinion = Opinion.draft(lifts, people["operator"])
    assert {v.subject for v in opinion.minority_voices} == {
        "望江花园电梯的建议",
        "望江花园门口积水",
    }
    assert "“望江花园门口积水”（other words）" in opinion.minority
    assert dict(opinion.kinds())["Request for help (求助)"] == 1


def test_the_same_issue_drafts_the_same_opinion(lifts, people):
    first, second = (Opinion.draft(lifts, people["operator"]) for _ in range(2))
    assert (first.agreement, first.minority, first.evidence) == (
        second.agreement,
        second.minority,
        second.evidence,
    )


def test_an_operator_drafts_from_the_hot_issue_page_edits_and_sees_the_evidence(
    client, lifts, people
):
    client.force_login(people["operator"])
    issue_page = client.get(reverse("hotissue-detail", args=[lifts.pk])).content.decode()
    assert 'id="draft-opinion"' in issue_page and "Concentrate into an opinion" in issue_page
    response = client.post(reverse("opinion-draft", args=[lifts.pk]))
    opinion = Opinion.objects.get()
    assert response.url == reverse("opinion-edit", args=[opinion.pk])
    edit = client.get(response.url).content.decode()
    assert "139****5678" in edit and "13912345678" not in edit  # the voice's text, masked
    response = client.post(
        response.url,
        {
            "title": "望江花园电梯反复停运",
            "summary": "电梯一周停运多次，维保不到位。",
            "agreement": "大家都说电梯停运、维保不来。",
            "minority": "一位居民建议公示维修进度。",
        },
    )
    assert response.url == reverse("opinion-detail", args=[opinion.pk])
    page = client.get(response.url).content.decode()
    assert "望江花园电梯反复停运" in page and "一位居民建议公示维修进度。" in page
    assert '<dd id="evidence-people">5</dd>' in page and '<dd id="evidence-voices">6</dd>' in page
    assert 'id="trend-data"' in page and "<rect" in page
    assert 'href="' + reverse("decision-create", args=[opinion.pk]) + '"' in page
    # The hot issue's log says who concentrated it.
    issue_page = client.get(reverse("hotissue-detail", args=[lifts.pk])).content.decode()
    log = issue_page.split("What people did")[1]
    assert "operator" in log and "concentrated into an opinion" in log


def test_an_empty_title_is_refused_and_nothing_changes(client, lifts, people):
    opinion = Opinion.draft(lifts, people["operator"])
    client.force_login(people["operator"])
    response = client.post(
        reverse("opinion-edit", args=[opinion.pk]), {"title": "", "summary": "x"}
    )
    assert response.status_code == 400
    opinion.refresh_from_db()
    assert opinion.title == lifts.title


def test_handlers_and_auditors_read_but_do_not_draft(client, lifts, people):
    url = reverse("opinion-draft", args=[lifts.pk])
    for who in ("housing_handler", "auditor"):
        client.force_login(people[who])
        assert client.post(url).status_code == 403
        page = client.get(reverse("hotissue-detail", args=[lifts.pk])).content.decode()
        assert 'id="draft-opinion"' not in page
    assert not Opinion.objects.exists()
    opinion = Opinion.draft(lifts, people["operator"])
    client.force_login(people["auditor"])
    assert client.get(reverse("opinion-detail", args=[opinion.pk])).status_code == 200
    assert client.get(reverse("opinion-edit", args=[opinion.pk])).status_code == 403


def test_a_leader_drafts_only_from_issues_in_their_area(client, city, people, lifts):
    from django.contrib.auth.models import Group, User

    from massline.org import roles
    from massline.org.models import Staff

    south = User.objects.create_user("south-leader")
    south.groups.add(Group.objects.get(name=roles.LEADER))
    Staff.objects.create(user=south, area=city["south"])
    client.force_login(south)
    assert client.post(reverse("opinion-draft", args=[lifts.pk])).status_code == 404
    client.force_login(people["leader"])
    assert client.post(reverse("opinion-draft", args=[lifts.pk])).status_code == 302


def test_anonymous_people_are_sent_to_log_in(client, lifts, people):
    opinion = Opinion.draft(lifts, people["operator"])
    for url in (
        reverse("opinion-detail", args=[opinion.pk]),
        reverse("opinion-edit", args=[opinion.pk]),
        reverse("decision-list"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.post(reverse("opinion-draft", args=[lifts.pk])).url.startswith("/login/")


def test_the_pages_speak_chinese_by_default(lifts, people):
    from django.test import Client

    chinese = Client()
    chinese.force_login(people["operator"])
    assert (
        "形成集中意见" in chinese.get(reverse("hotissue-detail", args=[lifts.pk])).content.decode()
    )
    chinese.post(reverse("opinion-draft", args=[lifts.pk]))
    opinion = Opinion.objects.get()
    page = chinese.get(reverse("opinion-detail", args=[opinion.pk])).content.decode()
    assert "共同意见" in page and "少数不同意见" in page
    assert "5 人中有 5 人提到“电梯”" in opinion.agreement
    assert "1 条诉求看法不同" in opinion.minority and "（建议）" in opinion.minority


def test_a_merged_issue_is_not_concentrated_the_one_it_went_into_is(client, city, people, lifts):
    other = lifts.do_split(
        people["operator"], list(lifts.memberships.values_list("voice", flat=True)[:2])
    )
    other.do_merge(people["operator"], lifts)
    client.force_login(people["operator"])
    response = client.post(reverse("opinion-draft", args=[other.pk]), follow=True)
    assert "This issue was merged into another; concentrate that one." in response.content.decode()
    assert not Opinion.objects.exists()


def test_an_issue_with_an_opinion_outlives_the_recomputation_that_no_longer_finds_it(city, people):
    issue = stories.lifts_issue(city)
    opinion = Opinion.draft(issue, people["operator"])
    now = timezone.now()
    # Found no more: the first run makes it a candidate, the next would delete a candidate.
    finding.reconcile([], now - timedelta(days=90), now)
    finding.reconcile([], now - timedelta(days=90), now)
    issue.refresh_from_db()
    assert issue.status == HotIssue.Status.CANDIDATE and issue.opinions.get() == opinion
