"""The demo data generator: a believable city whose people say believable things."""

import re
import subprocess
import sys
import tracemalloc
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from massline.synthetic import default_taxonomy, generate_city, generate_voices

CHANNELS = {
    "hotline",
    "web",
    "mobile",
    "letter",
    "visit",
    "field_visit",
    "representative",
    "survey",
    "email",
    "import",
}
KINDS = {"complaint", "help", "consultation", "suggestion", "report", "praise"}
MOBILE = re.compile(r"^1[3-9]\d{9}$")


@pytest.fixture(scope="module")
def city():
    return generate_city(seed=3)


@pytest.fixture(scope="module")
def voices(city):
    return list(generate_voices(8000, seed=3, city=city))


def test_the_same_seed_gives_the_same_city_and_the_same_voices(city, voices):
    assert generate_city(seed=3) == city
    assert list(generate_voices(8000, seed=3)) == voices
    assert list(generate_voices(50, seed=4)) != voices[:50]


def test_the_generator_is_importable_without_django():
    code = (
        "import sys; sys.modules['django'] = None\n"  # any import of django now fails
        "import massline.synthetic as s\n"
        "next(s.generate_voices(10))\n"
        "assert 'massline.voices' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)  # noqa: S603


def test_it_gives_exactly_as_many_voices_as_asked():
    for n in (0, 1, 7, 500):
        assert len(list(generate_voices(n))) == n


def test_it_streams_voices_in_the_memory_of_one_day():
    tracemalloc.start()
    try:
        for _ in generate_voices(10_000, city=generate_city()):
            pass
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_500_000  # the same voices kept in a list take 9 MB


def test_the_city_has_districts_streets_communities_and_departments_at_three_tiers(city):
    levels = Counter(area.level for area in city.areas)
    assert levels[1] == 1 and 6 <= levels[2] <= 8 and levels[3] >= 6 * 5 and levels[4] > levels[3]
    for area in city.areas[1:]:
        assert area.code.startswith(area.parent_code)
        assert city.area(area.parent_code).level == area.level - 1
    names = [d.name for d in city.departments]
    assert len(set(names)) == len(names)
    assert {d.tier for d in city.departments} == {1, 2, 3}
    assert any(name.endswith("街道办事处") for name in names)
    assert any(name.endswith("住房和城乡建设局") for name in names)
    assert any(name.endswith("卫生健康委员会") for name in names)
    streets = [area for area in city.areas if area.level == 3]
    offices = {d.area_codes[0] for d in city.departments if d.tier == 3}
    assert offices == {street.code for street in streets}


def test_the_default_taxonomy_has_three_levels_and_a_few_hundred_nodes():
    paths = default_taxonomy()
    tops = [path for path in paths if len(path) == 1]
    assert 12 <= len(tops) <= 15 and {("城乡建设",), ("环境保护",), ("民政",)} <= set(tops)
    assert 200 <= len(paths) <= 500
    for path in paths:  # parents come first
        assert len(path) == 1 or path[:-1] in paths[: paths.index(path)]
    assert all(len(path) == 3 for path in paths if path[:-1] and len(path) > 2)


def test_every_channel_and_kind_is_heard_and_the_hotline_carries_most(voices):
    channels = Counter(v.channel for v in voices)
    assert set(channels) == CHANNELS
    assert channels.most_common(1)[0][0] == "hotline" and channels["hotline"] > len(voices) * 0.4
    assert set(Counter(v.kind for v in voices)) == KINDS
    assert 0.03 < sum(not v.phone for v in voices) / len(voices) < 0.2  # some are anonymous


def test_voices_are_spread_over_the_year_with_quieter_weekends(voices):
    assert all(v.received_at.tzinfo.key == "Asia/Shanghai" for v in voices)
    assert all(date(2025, 1, 1) <= v.received_at.date() <= date(2025, 12, 31) for v in voices)
    assert len({v.received_at.month for v in voices}) == 12
    assert [v.received_at for v in voices] == sorted(v.received_at for v in voices)
    per_day = Counter(v.received_at.weekday() for v in voices)
    assert per_day[0] > per_day[5] * 1.3 and per_day[2] > per_day[6] * 1.3
    assert all(v.happened_at is None or v.happened_at < v.received_at for v in voices)


def test_bodies_read_like_people_talking_about_a_named_place(voices):
    for v in voices:
        assert 40 <= len(v.body) <= 400, v.body
        assert "{" not in v.body + v.subject and v.subject
        sentences = [s for s in re.split("[。！？]", v.body) if s]
        assert len(set(sentences)) == len(sentences), v.body  # no sentence said twice
        assert v.place in v.body or v.kind in ("consultation", "praise")
    assert len({v.body for v in voices}) > len(voices) * 0.95
    assert len({v.external_id for v in voices}) == len(voices)


def test_places_lie_in_the_area_of_the_voice_and_people_live_nearby(city, voices):
    places = {p.name: p for p in city.places}
    for v in voices:
        place = places[v.place]
        assert v.area_code == place.area_code and city.area(v.area_code).level == 4
        district, street = city.lineage(v.area_code)[1:3]
        assert not v.address or v.address.startswith(district.name + street.name)


def test_categories_and_departments_come_from_the_city(city, voices):
    categories = set(city.categories)
    departments = {d.code for d in city.departments}
    assert all(v.category in categories and len(v.category) == 3 for v in voices)
    assert all(v.department_code in departments for v in voices)
    assert len({v.category for v in voices}) > 100


def test_a_phone_number_belongs_to_one_person(voices):
    people = defaultdict(set)
    for v in voices:
        if v.phone:
            assert MOBILE.match(v.phone), v.phone
            people[v.phone].add((v.name, v.address))
    assert all(len(who) == 1 for who in people.values())


def test_some_people_call_again_about_the_same_problem_weeks_apart(voices):
    calls = defaultdict(list)
    for v in voices:
        if v.phone and not v.hot_issue:
            calls[v.phone].append(v)
    repeaters = [c for c in calls.values() if len(c) > 1]
    assert 0.01 < len(repeaters) / len(calls) < 0.08
    assert {len(c) for c in repeaters} <= set(range(2, 7)) and max(map(len, repeaters)) >= 4
    for c in repeaters:
        assert len({(v.place, v.category) for v in c}) == 1
        gaps = [b.received_at - a.received_at for a, b in zip(c, c[1:], strict=False)]
        assert min(gaps) > timedelta(days=9)


def test_hot_issues_bring_many_people_to_one_place_within_weeks(voices):
    issues = defaultdict(list)
    for v in voices:
        if v.hot_issue:
            issues[v.hot_issue].append(v)
    assert len(issues) >= 8
    sizes = []
    for label, said in issues.items():
        people = {v.phone for v in said}
        assert len(people) >= 9 and len(people) == len(said), label
        assert len({v.place for v in said}) == 1 and said[0].place in label
        assert len({v.category for v in said}) == 1
        assert said[-1].received_at - said[0].received_at <= timedelta(days=45)
        assert len({v.body for v in said}) == len(said)  # each in their own words
        sizes.append(len(said))
    assert min(sizes) <= 12  # small but sharp ones too
    assert len(issues) == len(set(map(str, issues)))
