"""The reply check: what a handler is warned about before sending a reply to a voice."""

import csv
import pickle
import random

import pytest

from massline.engine import replies
from massline.engine.replies import (
    BASIS,
    BOILERPLATE,
    EMPTY,
    MESSAGES,
    NO_ACTION,
    NO_BASIS,
    NO_EXPLANATION,
    NO_FACTS,
    NO_REASON,
    NO_TIME_FRAME,
    NOT_IN_POLICY,
    NOT_YET,
    POINTS_NOT_ADDRESSED,
    RESOLVED,
    SAME_AS_EARLIER,
    TOO_SHORT,
    WHAT,
    WHEN,
    WHO,
    ReplyHistory,
    check_reply,
    facts,
    main_points,
)

VOICE = (
    "翠湖花园小区门口垃圾站臭气熏天。翠湖花园小区门口的垃圾站已经一个多月没有清运，"
    "夏天臭气熏天，蚊蝇很多，请问什么时候能清理？"
)
DONE = (
    "您好！关于翠湖花园小区门口垃圾站的问题，江北区城管局于2025年6月12日派员到现场核实，"
    "垃圾站确有积存垃圾未及时清运。6月13日已组织环卫公司清运垃圾12吨，并对垃圾站消毒除臭，"
    "今后每天清运两次。感谢您的监督。"
)
PASSED_ON = "网友：您好！您反映的问题已收悉，已转江北区城管局调查处理。2025年6月10日"
FORMULAS = (
    "网友您好！您的留言已收悉。我们高度重视，将认真研究，及时处理。感谢您对我们工作的关心、"
    "理解与支持！如有疑问欢迎来电咨询。祝您生活愉快！"
)
ELSEWHERE = (
    "您好！关于幸福路夜间施工噪音的问题，江南区生态环境分局于2025年6月12日派员到现场核实，"
    "已责令施工单位停止夜间施工，并处罚款2万元。感谢您的监督。"
)


def codes(warnings):
    return [w.code for w in warnings]


def test_a_reply_that_says_what_was_done_when_and_by_whom_gets_no_warning():
    assert check_reply(VOICE, DONE) == []
    assert check_reply(VOICE, DONE, RESOLVED) == []


def test_an_empty_reply_gets_one_warning_only():
    assert codes(check_reply(VOICE, "")) == [EMPTY]
    assert codes(check_reply(VOICE, "  \n&nbsp;。！")) == [EMPTY]


def test_a_receipt_is_too_short_boilerplate_and_without_facts():
    found = codes(check_reply(VOICE, "网友：您好！留言已收悉。"))
    assert {TOO_SHORT, NO_FACTS, BOILERPLATE, POINTS_NOT_ADDRESSED} <= set(found)


def test_passing_the_voice_on_is_no_fact_of_what_was_done():
    """已转…调查处理 names an office and verbs, but nothing was done yet."""
    warnings = {w.code: w for w in check_reply(VOICE, PASSED_ON)}
    assert NO_FACTS in warnings
    assert set(warnings[NO_FACTS].evidence) == {WHEN, WHO, WHAT, BASIS}
    assert facts(PASSED_ON) == {}  # its own date at the end is no fact either


def test_a_long_reply_of_standard_phrases_is_boilerplate():
    found = codes(check_reply(VOICE, FORMULAS))
    assert BOILERPLATE in found
    assert NO_FACTS in found


def test_a_reply_about_another_place_and_problem_lists_the_points_it_misses():
    warnings = {w.code: w for w in check_reply(VOICE, ELSEWHERE)}
    assert list(warnings) == [POINTS_NOT_ADDRESSED]  # a good reply, to another voice
    missed = warnings[POINTS_NOT_ADDRESSED].evidence
    assert "翠湖花园" in missed
    assert "垃圾站" in missed


def test_a_reply_may_name_a_place_as_people_shorten_it():
    voice = "福元路悦湖山小区门前没有人行横道，学生过马路很危险，建议增设红绿灯。"
    points = main_points(voice)
    assert points[0].kind == "place"
    reply = "交警大队于5月3日到福元路现场查看，已在路口施划人行横道并增设信号灯。"
    assert POINTS_NOT_ADDRESSED not in codes(check_reply(voice, reply))


def test_a_question_of_the_voice_is_a_main_point():
    points = main_points(VOICE)
    questions = [p for p in points if p.kind == "question"]
    assert questions and "清理" in questions[0].words
    assert [p.kind for p in points][0] == "place"


def test_resolved_must_say_what_was_done():
    reply = "您好，翠湖花园小区门口垃圾站的问题已经解决了，请放心。江北区城管局，2025年6月13日。"
    assert NO_ACTION not in codes(check_reply(VOICE, reply, RESOLVED))
    vague = "您好，翠湖花园小区门口垃圾站的问题，江北区城管局认为情况属实，今后会加强管理。"
    assert NO_ACTION in codes(check_reply(VOICE, vague, RESOLVED))


def test_not_yet_must_say_why_and_when():
    neither = "您好，翠湖花园小区门口垃圾站的问题，江北区城管局会加强管理，请您耐心等待。"
    found = codes(check_reply(VOICE, neither, NOT_YET))
    assert NO_REASON in found and NO_TIME_FRAME in found
    both = (
        "您好，翠湖花园小区门口垃圾站由于周边没有空地，暂时无法搬迁。江北区城管局已将新建"
        "垃圾压缩站列入计划，预计2025年年底前建成，建成前每天清运两次。"
    )
    found = codes(check_reply(VOICE, both, NOT_YET))
    assert NO_REASON not in found and NO_TIME_FRAME not in found


def test_not_in_policy_must_cite_a_basis_and_explain():
    voice = "我家老人户口不在本市，请问能不能在翠湖社区申请低保？"
    bare = "您好，您的情况不能申请翠湖社区的低保，请到户籍所在地咨询。"
    found = codes(check_reply(voice, bare, NOT_IN_POLICY))
    assert NO_BASIS in found and NO_EXPLANATION not in found
    cited = (
        "您好，根据《最低生活保障审核确认办法》第九条，低保由户籍所在地的乡镇人民政府受理。"
        "您家老人户口不在本市，因此不能在翠湖社区申请，请向户籍所在地的街道提出。"
    )
    found = codes(check_reply(voice, cited, NOT_IN_POLICY))
    assert NO_BASIS not in found and NO_EXPLANATION not in found


def test_an_unknown_disposition_is_refused_by_name():
    with pytest.raises(ValueError, match="'done'"):
        check_reply(VOICE, DONE, "done")


def test_every_warning_has_its_plain_english_message():
    seen = set()
    for disposition in (None, *replies.DISPOSITIONS):
        for reply in ("", "好的。", PASSED_ON, FORMULAS, ELSEWHERE):
            for warning in check_reply(VOICE, reply, disposition):
                assert warning.message == MESSAGES[warning.code]
                seen.add(warning.code)
    assert {EMPTY, TOO_SHORT, NO_FACTS, BOILERPLATE, NO_ACTION, NO_BASIS} <= seen


def test_a_template_sent_many_times_before_is_found_in_the_history():
    template = "您好！您的留言已收悉。关于您反映的问题，已转{}调查处理，请耐心等待处理结果。"
    history = ReplyHistory.fit(
        [(f"r{i}", template.format(area)) for i, area in enumerate(["A1区", "B2县", "C3市"])]
        + [("other", DONE)]
    )
    warnings = {w.code: w for w in check_reply(VOICE, template.format("K9县"), history=history)}
    assert SAME_AS_EARLIER in warnings
    assert set(warnings[SAME_AS_EARLIER].evidence) == {"r0", "r1", "r2"}
    assert SAME_AS_EARLIER not in codes(check_reply(VOICE, DONE, history=history))


def test_a_history_is_kept_up_to_date_and_pickles():
    history = ReplyHistory()
    for i in range(replies.MANY):
        assert SAME_AS_EARLIER not in codes(check_reply(VOICE, PASSED_ON, history=history))
        history.add(PASSED_ON, i)
    again = pickle.loads(pickle.dumps(history))  # noqa: S301 - our own bytes
    assert SAME_AS_EARLIER in codes(check_reply(VOICE, PASSED_ON, history=again))


def test_phrases_common_in_earlier_replies_are_no_specific_content():
    """A department's own stock sentence is boilerplate once its history shows it."""
    stock = "我局始终坚持以人民为中心的发展思想，切实维护群众合法权益，努力营造良好环境。"
    assert BOILERPLATE not in codes(check_reply(VOICE, stock))
    history = ReplyHistory.fit(
        f"{stock}关于{place}的问题已于{day}日处理。"
        for day, place in enumerate(["幸福路", "东湖小区", "南门市场", "江北学校"] * 5, 1)
    )
    assert BOILERPLATE in codes(check_reply(VOICE, stock, history=history))


# --- real replies --------------------------------------------------------------------------


def _real(folder):
    from python_calamine import CalamineWorkbook

    sheet = CalamineWorkbook.from_path(folder / "messages_with_replies.xlsx").get_sheet_by_index(0)
    header, *rows = sheet.to_python()
    at = [header.index(name) for name in ("留言编号", "留言主题", "留言详情", "答复意见")]
    with (folder / "reply_explains_labels.csv").open(encoding="utf-8") as file:
        labels = {int(r["message_id"]): int(r["explains"]) for r in csv.DictReader(file)}
    return [
        (f"{row[at[1]]}。{row[at[2]]}", str(row[at[3]]), labels[int(row[at[0]])]) for row in rows
    ]


def test_real_replies_the_hand_labels_call_unexplained_get_warned_far_more_often(tipdm):
    messages = _real(tipdm)
    sample = [m for m in messages if m[2] == 0]
    sample += random.Random(0).sample([m for m in messages if m[2] == 1], 2 * len(sample))

    def rate(explains, code):
        group = [m for m in sample if m[2] == explains]
        return sum(code in codes(check_reply(voice, reply)) for voice, reply, _ in group) / len(
            group
        )

    assert rate(0, NO_FACTS) > 0.9
    assert rate(0, NO_FACTS) > 4 * rate(1, NO_FACTS)
    assert rate(0, BOILERPLATE) > 10 * rate(1, BOILERPLATE)


def test_a_real_reply_checked_against_another_voice_misses_its_points(tipdm):
    messages = random.Random(1).sample([m for m in _real(tipdm) if m[2] == 1], 300)
    others = [reply for _, reply, _ in messages[1:] + messages[:1]]
    true = sum(POINTS_NOT_ADDRESSED in codes(check_reply(v, r)) for v, r, _ in messages)
    shuffled = sum(
        POINTS_NOT_ADDRESSED in codes(check_reply(v, other))
        for (v, _, _), other in zip(messages, others, strict=True)
    )
    assert shuffled > 0.9 * len(messages)
    assert shuffled > 3 * true
