"""Staff work on hot issues: rename, dismiss, restore, merge, split, correct a category —
each checked, written at once and logged — and a recomputation that keeps it all."""

import pytest
from django.core.exceptions import ValidationError

from massline.engine.hotissues import reading_of
from massline.hotissues import finding
from massline.hotissues.models import HotIssue, IssueAction, Membership
from massline.hotissues.tests import stories
from massline.voices.models import CategoryCorrection, Voice


@pytest.fixture
def found(city, people):
    """The lifts of 望江花园 and the night work on 滨湖路, found among ordinary voices."""
    stories.background()
    lifts, noise = stories.lifts(city), stories.noise(city)
    finding.recompute(90)
    return {
        "lifts": HotIssue.objects.get(anchor="望江花园"),
        "noise": HotIssue.objects.get(anchor="滨湖路"),
        "lift_voices": lifts,
        "noise_voices": noise,
    }


def test_a_recomputation_finds_each_problem_with_its_people_place_area_and_category(city, found):
    lifts, noise = found["lifts"], found["noise"]
    assert lifts.status == HotIssue.Status.OPEN and noise.status == HotIssue.Status.OPEN
    assert set(lifts.voices.all()) == set(found["lift_voices"])
    assert (lifts.people, lifts.voice_count) == (4, 5)  # one caller rang twice
    assert lifts.area == city["north_street"] and lifts.category == city["property"]
    assert noise.area == city["south_street"] and noise.category == city["noise"]
    assert "电梯" in lifts.terms and "望江花园" in lifts.title and lifts.why
    assert lifts.heat > 0 and sum(n for _, n in lifts.trend) == 5
    assert lifts.memberships.filter(representative=True).count() == 4


def test_a_new_title_is_logged_and_survives_the_next_recomputation(found, people):
    lifts = found["lifts"]
    lifts.do_rename(people["operator"], "  望江花园电梯 反复停运 ")
    finding.recompute(90)
    lifts.refresh_from_db()
    assert lifts.title == "望江花园电梯 反复停运" and lifts.title_edited
    action = lifts.actions.get()
    assert (action.user, action.action) == (people["operator"], IssueAction.Action.RENAME)
    assert action.details["new"] == "望江花园电梯 反复停运"


def test_a_dismissed_issue_stays_dismissed_after_recomputation_until_restored(found, people):
    lifts = found["lifts"]
    lifts.do_dismiss(people["leader"], "已由住建局现场处理")
    finding.recompute(90)
    lifts.refresh_from_db()
    assert lifts.status == HotIssue.Status.DISMISSED
    assert lifts.dismiss_reason == "已由住建局现场处理"
    lifts.do_restore(people["leader"])
    assert lifts.status == HotIssue.Status.OPEN and lifts.dismiss_reason == ""
    assert list(lifts.actions.values_list("action", flat=True)) == ["restore", "dismiss"]
    with pytest.raises(ValidationError, match="not yours"):  # the leader of the other district
        found["noise"].do_dismiss(people["leader"], "不归我管")


def test_merging_moves_the_voices_and_the_next_recomputation_keeps_the_merge(found, people):
    lifts, noise = found["lifts"], found["noise"]
    noise.do_merge(people["operator"], into=lifts)
    lifts.refresh_from_db()
    assert noise.status == HotIssue.Status.MERGED and noise.merged_into == lifts
    assert lifts.voice_count == 8 and lifts.people == 7 and not noise.memberships.exists()
    assert noise.actions.get().details["into"] == lifts.pk
    assert lifts.actions.get().details["merged"] == noise.pk

    finding.recompute(90)
    lifts.refresh_from_db()
    noise.refresh_from_db()
    assert noise.status == HotIssue.Status.MERGED
    assert set(lifts.voices.all()) == set(found["lift_voices"] + found["noise_voices"])
    assert not HotIssue.objects.live().filter(anchor="滨湖路").exclude(pk=lifts.pk).exists()


def test_split_voices_go_to_a_new_issue_and_stay_there_after_recomputation(found, people):
    lifts = found["lifts"]
    taken = found["lift_voices"][2:4]
    new = lifts.do_split(people["leader"], [v.pk for v in taken], title="望江花园2栋电梯困人")
    assert set(new.voices.all()) == set(taken) and new.title_edited
    assert lifts.voice_count == 3 and new.voice_count == 2
    assert set(new.memberships.values_list("added_by", flat=True)) == {"staff"}
    assert lifts.actions.get().details == {"into": new.pk, "voices": sorted(v.pk for v in taken)}

    finding.recompute(90)
    new.refresh_from_db()
    lifts.refresh_from_db()
    assert set(new.voices.all()) == set(taken) and new.title == "望江花园2栋电梯困人"
    assert not lifts.voices.filter(pk__in=[v.pk for v in taken]).exists()


def test_bad_requests_are_refused_with_a_reason_and_change_nothing(found, people):
    lifts, noise = found["lifts"], found["noise"]
    operator = people["operator"]
    before = (lifts.title, noise.status, Membership.objects.count())
    attempts = [
        (lambda: lifts.do_rename(operator, "   "), "empty"),
        (lambda: lifts.do_merge(operator, into=lifts), "itself"),
        (lambda: lifts.do_split(operator, []), "Tick"),
        (lambda: lifts.do_split(operator, [v.pk for v in found["lift_voices"]]), "every voice"),
        (lambda: lifts.do_split(operator, [found["noise_voices"][0].pk]), "Only voices"),
        (lambda: lifts.do_dismiss(operator, ""), "why"),
        (lambda: lifts.do_restore(operator), "Only a dismissed"),
    ]
    for attempt, message in attempts:
        with pytest.raises(ValidationError, match=message):
            attempt()
    noise.do_dismiss(operator, "不是热点")
    with pytest.raises(ValidationError, match="neither dismissed nor merged"):
        lifts.do_merge(operator, into=noise)
    lifts.refresh_from_db()
    noise.refresh_from_db()
    assert (lifts.title, Membership.objects.count()) == (before[0], before[2])
    assert lifts.status == HotIssue.Status.OPEN and not lifts.actions.exists()
    with pytest.raises(ValidationError, match="merged into another"):
        noise.do_merge(operator, into=lifts) or noise.do_merge(operator, into=lifts)


def test_an_auditor_and_a_handler_cannot_act_and_a_handler_of_another_department_cannot_see(
    found, people
):
    lifts = found["lifts"]
    for who in ("auditor", "housing_handler", "ecology_handler", "nobody"):
        with pytest.raises(ValidationError):
            lifts.do_rename(people[who], "改个名字")
    assert HotIssue.objects.visible_to(people["housing_handler"]).filter(pk=lifts.pk).exists()
    assert not HotIssue.objects.visible_to(people["ecology_handler"]).filter(pk=lifts.pk).exists()
    assert not HotIssue.objects.visible_to(people["nobody"]).exists()
    assert HotIssue.objects.visible_to(people["auditor"]).filter(pk=lifts.pk).exists()
    assert not IssueAction.objects.exists()


def test_correcting_a_voices_category_is_kept_logged_and_changes_the_voice(city, found, people):
    lifts = found["lifts"]
    voice = found["lift_voices"][4]
    correction = lifts.do_recategorise(people["housing_handler"], voice, city["urban"])
    voice.refresh_from_db()
    assert voice.category == city["urban"]
    assert (correction.old, correction.new, correction.user) == (
        city["property"],
        city["urban"],
        people["housing_handler"],
    )
    assert lifts.actions.get().details["new_name"] == "城乡建设"
    with pytest.raises(ValidationError):  # not a voice of this issue
        lifts.do_recategorise(people["operator"], found["noise_voices"][0], city["urban"])
    with pytest.raises(ValidationError):  # an auditor reads only
        lifts.do_recategorise(people["auditor"], voice, city["noise"])
    assert CategoryCorrection.objects.count() == 1


def test_an_issue_no_longer_found_becomes_a_candidate_and_an_untouched_candidate_goes(
    found, people
):
    lifts, noise = found["lifts"], found["noise"]
    lifts.do_rename(people["operator"], "望江花园电梯")
    for v in found["lift_voices"] + found["noise_voices"]:
        Voice.objects.filter(pk=v.pk).update(received_at=stories.days_ago(200))
    finding.recompute(90)  # the period no longer holds their voices
    lifts.refresh_from_db()
    noise.refresh_from_db()
    assert lifts.status == HotIssue.Status.CANDIDATE and lifts.title == "望江花园电梯"
    finding.recompute(90)
    lifts.refresh_from_db()
    assert lifts.status == HotIssue.Status.CANDIDATE  # staff touched it: kept
    assert not HotIssue.objects.filter(pk=noise.pk).exists() or noise.status == "candidate"


def test_a_new_similar_voice_joins_the_issue_and_a_different_one_starts_a_candidate(city, found):
    lifts = found["lifts"]
    similar, different = stories.said(
        [
            (
                "13900000009",
                "望江花园电梯今天又停运",
                "望江花园3栋电梯今天早上又停运了，维保的人说要等配件。",
            ),
            (
                "13900000010",
                "望江花园门口垃圾没人清运",
                "望江花园大门口的垃圾桶满了好几天没人清运，臭气熏天。",
            ),
        ],
        area=city["north_street"],
        start=0.5,
        every=0.1,
    )
    assert finding.attach(similar) == lifts
    lifts.refresh_from_db()
    assert (lifts.people, lifts.voice_count) == (5, 6)
    candidate = finding.attach(different)
    assert candidate != lifts and candidate.status == HotIssue.Status.CANDIDATE
    assert candidate.anchor == "望江花园" and list(candidate.voices.all()) == [different]
    assert finding.attach(different) == candidate  # once only


def test_a_voice_naming_the_place_in_its_own_way_joins_its_issue(city, found):
    lifts = found["lifts"]
    by_phase, nowhere = stories.said(
        [
            (
                "13900000011",
                "望江花园二期电梯停运",
                "望江花园二期3栋的电梯停运好几天了，老人下不了楼。",
            ),
            ("13900000012", "电梯停运好几天了", "电梯停运好几天了，老人下不了楼，请督促维修。"),
        ],
        area=city["north_street"],
        start=0.5,
    )
    assert reading_of(finding.record_of(vars(by_phase))).anchor == "望江花园二期"
    assert finding.attach(by_phase) == lifts
    assert lifts.voices.filter(pk=by_phase.pk).exists()
    assert finding.attach(nowhere) is None
    assert not HotIssue.objects.filter(voices=nowhere).exists()
