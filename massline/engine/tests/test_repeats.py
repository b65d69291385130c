"""Repeat detection: the same text again, and the same person with the same problem again."""

import time
from collections import Counter
from datetime import datetime, timedelta

from massline.engine.repeats import SAME_PERSON, SAME_TEXT, VoiceText, find_repeats
from massline.synthetic import generate_voices

DAY = datetime(2025, 3, 1, 9)
LEAK = "阳光花园小区3栋楼顶漏水已经两个月，雨天家里墙面发霉，物业一直推脱不来维修，请尽快处理。"
NOISE = "幸福路夜间施工噪音很大，每天凌晨两点还在打桩，附近居民无法休息，请有关部门查处。"


def test_an_exact_repost_is_found_as_the_same_text():
    found = find_repeats([("a", LEAK), ("b", LEAK)])
    assert [(r.voice, r.original, r.kind, r.similarity) for r in found] == [
        ("b", "a", SAME_TEXT, 1.0)
    ]


def test_a_repost_with_a_greeting_and_a_few_changed_characters_is_the_same_text():
    changed = "书记您好！" + LEAK.replace("两个月", "三个月").replace("尽快", "赶快") + "谢谢！"
    found = find_repeats([VoiceText(1, LEAK), VoiceText(2, changed)])
    assert [(r.voice, r.original, r.kind) for r in found] == [(2, 1, SAME_TEXT)]
    assert 0.5 <= found[0].similarity < 1


def test_the_same_person_raising_the_same_problem_again_is_found():
    again = "阳光花园小区3栋楼顶还是漏水，上次反映后物业仍然没有来维修，墙面发霉越来越严重。"
    found = find_repeats(
        [VoiceText(1, LEAK, "p1", DAY), VoiceText(2, again, "p1", DAY + timedelta(days=20))]
    )
    assert [(r.voice, r.original, r.kind) for r in found] == [(2, 1, SAME_PERSON)]


def test_two_different_problems_by_one_person_are_not_a_repeat():
    found = find_repeats(
        [VoiceText(1, LEAK, "p1", DAY), VoiceText(2, NOISE, "p1", DAY + timedelta(days=5))]
    )
    assert found == []


def test_one_problem_raised_by_two_people_is_not_a_same_person_repeat():
    again = "阳光花园小区3栋楼顶还是漏水，上次反映后物业仍然没有来维修，墙面发霉越来越严重。"
    found = find_repeats(
        [VoiceText(1, LEAK, "p1", DAY), VoiceText(2, again, "p2", DAY + timedelta(days=5))]
    )
    assert all(r.kind != SAME_PERSON for r in found)


def test_repeat_callers_in_a_synthetic_year_are_found_quickly():
    voices = sorted(generate_voices(5000, seed=1), key=lambda v: v.received_at)
    calls = Counter(v.phone for v in voices if v.phone)
    seen: set[str] = set()
    expected = set()
    for v in voices:
        if calls[v.phone] > 1:
            if v.phone in seen:
                expected.add(v.external_id)
            seen.add(v.phone)
    records = [
        VoiceText(v.external_id, f"{v.subject}\n{v.body}", v.phone, v.received_at) for v in voices
    ]
    start = time.perf_counter()
    found = find_repeats(records)
    elapsed = time.perf_counter() - start
    same_person = {r.voice for r in found if r.kind == SAME_PERSON}
    assert len(expected) > 100
    assert len(same_person & expected) / len(expected) >= 0.85
    assert not same_person - expected  # one call per phone is never a repeat
    assert elapsed < 10
