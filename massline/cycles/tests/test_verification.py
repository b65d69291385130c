"""Verifying a decision on constructed voices: a real drop is "fell" and the issue went
away; noise is "no clear effect" and the issue is reopened into the next cycle; a
decision is verified only once its commitments are due, by those who may."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from massline.cycles.models import Reopening, Verification
from massline.cycles.tests import stories
from massline.decisions.models import Decision, Notice
from massline.hotissues.models import HotIssue

TODAY = date(2026, 11, 20)
DECIDED = TODAY - timedelta(days=30)
SINCE = DECIDED - timedelta(days=60)


@pytest.fixture
def lifts(city, people):
    """望江花园's lifts, decided on 30 days ago, and two similar issues elsewhere."""
    issue = stories.hot_issue(
        "望江花园", city["property"], start=SINCE, end=TODAY, area=city["north_street"]
    )
    for seed, place in enumerate(["翠湖", "滨江苑"]):
        stories.hot_issue(place, city["property"], start=SINCE, end=TODAY)
        stories.voices(place, stories.poisson(5, 90, seed), SINCE)
    made = stories.decision(
        issue, people["leader"], city["housing"], decided_on=DECIDED, deadlines=[TODAY, DECIDED]
    )
    return {"issue": issue, "decision": made}


def say(before: float, after: float, seed: int = 7) -> None:
    """Voices a day at 望江花园 before and after the decision; those before are the hot
    issue's, those after not yet placed in it."""
    issue = HotIssue.objects.get(anchor="望江花园")
    north = issue.area
    stories.member(
        issue, stories.voices("望江花园", stories.poisson(before, 60, seed), SINCE, area=north)
    )
    stories.voices("望江花园", stories.poisson(after, 30, seed + 1), DECIDED, area=north)


def test_a_real_drop_is_a_fall_and_the_issue_went_away(lifts, people):
    say(8, 3)
    done = Verification.do_verify(lifts["decision"], people["leader"], today=TODAY)
    assert done.verdict == Verification.Verdict.FELL
    result = done.result
    assert 7 < result.rate_before < 9 and 2 < result.rate_after < 4
    assert result.controls == 2 and result.significant
    assert [c["place"] for c in done.controls] == ["翠湖", "滨江苑"]
    assert len(done.series["days"]) == 90 and sum(done.series["issue"]) == (
        result.voices_before + result.voices_after
    )
    assert done.outcome == Verification.Outcome.WENT_AWAY and not done.reasons()
    assert not Reopening.objects.exists()
    lifts["decision"].refresh_from_db()
    assert lifts["decision"].status == Decision.Status.VERIFIED


def test_noise_is_no_clear_effect_and_the_issue_is_reopened_into_the_next_cycle(lifts, people):
    say(5, 5)
    done = Verification.do_verify(lifts["decision"], people["operator"], today=TODAY)
    assert done.verdict == Verification.Verdict.NO_CLEAR_EFFECT
    assert done.outcome == Verification.Outcome.REOPENED
    reopening = Reopening.objects.get()
    assert reopening.hot_issue == lifts["issue"] and reopening.verification == done
    assert reopening.decision == lifts["decision"]
    assert reopening.into_cycle == date(2026, 12, 1)
    assert reopening.reasons() == ["new voices did not clearly fall (No clear effect (无明显变化))"]


def test_a_fall_with_dissatisfied_people_is_reopened(lifts, people):
    say(8, 3)
    for answer in ["no", "no", "yes", "partly"]:
        voice = stories.voices("望江花园", [1], SINCE)[0]
        Notice.objects.create(decision=lifts["decision"], voice=voice, answer=answer)
    done = Verification.do_verify(lifts["decision"], people["leader"], today=TODAY)
    assert done.verdict == Verification.Verdict.FELL
    assert (done.satisfied, done.dissatisfied, done.answers) == (1, 2, 4)
    assert done.outcome == Verification.Outcome.REOPENED
    assert done.reopening.reasons() == ["only 25% of the answers are satisfied"]


def test_voices_at_the_place_about_another_problem_do_not_count(lifts, people):
    say(8, 3)
    other = stories.voices("望江花园", [20] * 30, DECIDED)
    for v in other:
        v.subject, v.body = "望江花园门口垃圾没人清", "望江花园门口垃圾堆了一周，臭气熏天。"
        v.save(update_fields=["subject", "body"])
    done = Verification.do_verify(lifts["decision"], people["leader"], today=TODAY)
    assert done.verdict == Verification.Verdict.FELL
    assert done.result.voices_after < 150


def test_a_decision_is_verified_only_once_its_commitments_are_due(lifts, people):
    say(8, 3)
    later = lifts["decision"].commitments.create(
        title="加装电梯",
        owner=people["leader"],
        unit=lifts["decision"].unit,
        deadline=TODAY + timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="not all due yet: 加装电梯"):
        Verification.do_verify(lifts["decision"], people["leader"], today=TODAY)
    later.status = later.Status.DONE
    later.save()
    Verification.do_verify(lifts["decision"], people["leader"], today=TODAY)


def test_too_few_days_since_the_decision_is_too_little_data(lifts, people):
    say(8, 3)
    lifts["decision"].commitments.update(status="done")
    done = Verification.do_verify(lifts["decision"], people["leader"], today=DECIDED + timedelta(3))
    assert done.verdict == Verification.Verdict.TOO_LITTLE_DATA
    assert done.result.days_after == 3
    assert done.outcome == Verification.Outcome.REOPENED


def test_only_operators_and_leaders_who_see_the_issue_verify(lifts, people):
    for who in ("housing_handler", "auditor", "admin", "nobody"):
        with pytest.raises(ValidationError, match="may not verify"):
            Verification.do_verify(lifts["decision"], people[who], today=TODAY)
    assert not Verification.objects.exists()
