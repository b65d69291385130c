"""Invented voices for the hot-issue tests: a week of lift complaints at one compound, a few
nights of building-site noise on one road, and a background of ordinary voices.

The background comes from the synthetic city (massline.synthetic): the engine needs a few
hundred voices to tell a distinctive word (电梯) from an everyday one.
"""

from datetime import timedelta

from django.utils import timezone

from massline.synthetic import generate_voices
from massline.voices.models import Voice, person_key

# (phone, subject, body): four people, one of them twice, about the lifts of 望江花园.
LIFTS = [
    (
        "13900000001",
        "望江花园电梯又停运了",
        "望江花园5栋的电梯这周停运三次，维保人员不来，老人上不了楼。",
    ),
    ("13900000002", "望江花园电梯经常停运", "望江花园小区电梯动不动就停运，维保人员一直不来修。"),
    (
        "13900000003",
        "望江花园电梯停运困人",
        "昨天望江花园2栋电梯突然停运，孩子被困半小时，维保电话打不通。",
    ),
    ("13900000001", "望江花园电梯还是停运", "上周反映的望江花园电梯停运，到现在维保还是没人来修。"),
    (
        "13900000004",
        "望江花园电梯老化停运",
        "望江花园的电梯抖动异响又停运了，维保只是应付，担心安全。",
    ),
]
# Three people about night work on a building site on 滨湖路.
NOISE = [
    ("13800000011", "滨湖路夜里打桩噪音", "滨湖路有个工地每天夜里打桩到凌晨两点，噪音吵得睡不着。"),
    ("13800000012", "滨湖路半夜打桩扰民", "滨湖路半夜还在打桩，噪音太大，孩子无法休息。"),
    ("13800000013", "滨湖路打桩噪音", "滨湖路这边夜里打桩噪音很大，希望管一管夜里施工。"),
]


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def background(n: int = 300, seed: int = 7) -> None:
    """``n`` ordinary voices over the last 60 days, with no area (nobody's in particular)."""
    start = timezone.localdate() - timedelta(days=60)
    Voice.objects.bulk_create(
        Voice(
            channel=v.channel,
            kind=v.kind,
            subject=v.subject,
            body=v.body,
            received_at=v.received_at,
            phone=v.phone,
            person_key=person_key(v.phone, v.name, "synthetic"),
            source="synthetic",
            external_id=v.external_id,
        )
        for v in generate_voices(n, seed=seed, start=start, days=58)
    )


def said(
    rows, *, area=None, department=None, category=None, start: float = 6, every: float = 1
) -> list[Voice]:
    """Voices of ``rows`` (phone, subject, body), ``every`` days apart, the first ``start``
    days ago."""
    return [
        Voice.objects.create(
            channel=Voice.Channel.HOTLINE,
            kind=Voice.Kind.COMPLAINT,
            subject=subject,
            body=body,
            phone=phone,
            received_at=days_ago(start - i * every),
            area=area,
            department=department,
            category=category,
        )
        for i, (phone, subject, body) in enumerate(rows)
    ]


def lifts(city) -> list[Voice]:
    return said(
        LIFTS, area=city["north_street"], department=city["housing"], category=city["property"]
    )


def noise(city) -> list[Voice]:
    return said(
        NOISE,
        area=city["south_street"],
        department=city["ecology"],
        category=city["noise"],
        start=4,
    )
