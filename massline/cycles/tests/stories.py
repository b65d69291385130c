"""Constructed records for the cycle tests: lift complaints at 望江花园 a day at a time, the
same problem at other compounds (the similar issues), a decision on the first with its
commitments, and the people's answers."""

from datetime import date, datetime, time, timedelta

import numpy as np
from django.utils import timezone

from massline.decisions.models import Commitment, Decision, Opinion
from massline.hotissues.models import HotIssue, Membership
from massline.voices.models import Voice

LIFT_WORDS = {"电梯": 1.0, "停运": 0.9, "维保": 0.5, "被困": 0.3}
SAYINGS = [
    "{place}电梯又停运了。{place}5栋的电梯这周停运三次，维保人员不来。",
    "{place}电梯经常停运。{place}小区电梯动不动就停运，维保一直不来修。",
    "{place}电梯停运困人。{place}2栋电梯突然停运，孩子被困半小时。",
]


def at_noon(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(12)))


def hot_issue(place: str, category, *, start: date, end: date, area=None) -> HotIssue:
    """An open hot issue about the lifts of ``place`` (its words as the engine sums them)."""
    return HotIssue.objects.create(
        title=f"{place}电梯停运",
        anchor=place,
        keywords=list(LIFT_WORDS),
        terms=LIFT_WORDS,
        start=at_noon(start),
        end=at_noon(end),
        category=category,
        area=area,
        people=10,
        voice_count=10,
        status=HotIssue.Status.OPEN,
    )


def voices(place: str, per_day, first: date, *, category=None, area=None) -> list[Voice]:
    """``per_day[i]`` voices about the lifts of ``place`` on day ``first + i``."""
    made = [
        Voice(
            channel=Voice.Channel.HOTLINE,
            kind=Voice.Kind.COMPLAINT,
            subject=SAYINGS[(i + j) % 3].format(place=place).split("。")[0],
            body=SAYINGS[(i + j) % 3].format(place=place).split("。", 1)[1],
            received_at=at_noon(first + timedelta(days=i)) + timedelta(minutes=j),
            category=category,
            area=area,
        )
        for i, n in enumerate(per_day)
        for j in range(int(n))
    ]
    return Voice.objects.bulk_create(made)


def poisson(rate: float, days: int, seed: int) -> list[int]:
    return list(np.random.default_rng(seed).poisson(rate, days))


def member(issue: HotIssue, voices_: list[Voice]) -> None:
    Membership.objects.bulk_create(Membership(issue=issue, voice=v) for v in voices_)


def decision(issue: HotIssue, owner, unit, *, decided_on: date, deadlines) -> Decision:
    """A published decision on ``issue`` with one commitment per deadline."""
    opinion = Opinion.objects.create(hot_issue=issue, title=issue.title, summary="电梯频繁停运")
    made = Decision.objects.create(
        opinion=opinion,
        title=f"{issue.place}电梯更新改造",
        text="更换老旧电梯，维保单位每周巡检。",
        unit=unit,
        decided_on=decided_on,
        status=Decision.Status.PUBLISHED,
        published_at=at_noon(decided_on),
    )
    for i, deadline in enumerate(deadlines):
        Commitment.objects.create(
            decision=made,
            title=f"承诺{i + 1}",
            owner=owner,
            unit=unit,
            deadline=deadline,
            status=Commitment.Status.ON_TRACK,
            progress=50,
        )
    return made
