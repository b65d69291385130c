"""What a voice is about: its place, its group, its kind, and place names learned from voices."""

import pytest
from python_calamine import CalamineWorkbook

from massline.engine.places import (
    extract_group,
    extract_place,
    guess_kind,
    learn_places,
    read,
)
from massline.engine.text import Tokenizer, normalise, tokens
from massline.synthetic import generate_voices


def test_a_compound_is_more_specific_than_the_road_it_is_on():
    text = "潇楚南路旁边的杜鹃文苑小区门口天天堵车"
    assert extract_place(text) == "杜鹃文苑小区"


def test_the_place_in_the_subject_wins_over_places_mentioned_later():
    text = "关于白沙镇派出所办事效率的问题。我住在翠湖花园，去办户口跑了五趟"
    assert extract_place(text) == "白沙镇派出所"


def test_schools_hospitals_and_companies_are_places():
    assert extract_place("第三中学周末强制补课") == "第三中学"
    assert extract_place("恒通房地产开发有限公司拖欠农民工工资") == "恒通房地产开发有限公司"
    assert extract_place("湘雅医院挂号太难") == "湘雅医院"


def test_a_generic_name_keeps_the_words_that_tell_which_one():
    assert extract_place("临江市第三中学周末强制补课") == "临江市第三中学"
    assert extract_place("西山区中医院看病排队太久") == "西山区中医院"
    assert extract_place("我在远航环保科技有限公司上班，工资拖了三个月") == "远航环保科技有限公司"
    assert extract_place("投诉远航物流有限公司拖欠工资") == "远航物流有限公司"
    assert extract_place("我住云栖雅苑3栋，电梯坏了") == "云栖雅苑"


def test_a_name_said_in_the_way_people_say_it_is_found():
    # a compound's phase, a county's "No. 2 school", the area named a few words before
    assert extract_place("质疑D3市金桂明珠6期乱收费水电费") == "金桂明珠6期"
    assert extract_place("恒丰城二期的业主反映漏水") == "恒丰城二期"
    assert extract_place("投诉K9县二中强制学生补课") == "K9县二中"
    assert extract_place("K7县人民反对拆除八一桥来建商铺") == "K7县八一桥"
    # jieba guesses a word across the name's end (开元 路到): the name stays whole
    assert extract_place("请求恢复开元路到松雅中学的公交车") == "松雅中学"
    assert "开元路" in tokens("请求恢复开元路到松雅中学的公交车")
    assert extract_place("近期学期调整，二中的学生很累") == "二中"  # no area: it stays generic
    assert extract_place("东湖区妇幼保健院看病排队") == "东湖区妇幼保健院"
    assert extract_place("A3区人民医院挂号难") == "A3区人民医院"


def test_bus_and_metro_lines_are_places():
    assert extract_place("K66路公交车晚上八点就停运了") == "K66路公交车"
    assert extract_place("地铁3号线早高峰太挤") == "地铁3号线"


def test_an_area_is_the_last_resort():
    assert extract_place("A3区的公交车太少，等一趟要四十分钟") == "A3区"


def test_a_voice_without_a_place_has_none():
    assert extract_place("养老金什么时候调整？") is None
    assert extract_place("我们小区的道路太差") is None


def test_a_learned_name_is_found_whole():
    text = "蓝溪郡北门垃圾没人清理"
    assert extract_place(text, Tokenizer(["蓝溪郡"])) == "蓝溪郡"


def test_a_name_learned_after_reading_is_found_from_then_on():
    # what the tokenizer decided of each word it read is forgotten when it learns a name
    tokenizer = Tokenizer()
    text = "投诉碧桂园门口垃圾堆积无人清理"  # 碧桂园: one word before, but no place
    assert extract_place(text, tokenizer) is None
    tokenizer.add_words(["碧桂园"])
    assert extract_place(text, tokenizer) == "碧桂园"


def test_the_affected_group_is_named_in_its_usual_word():
    assert extract_group("小区业主们多次找物业都没用，业主很无奈") == "业主"
    assert extract_group("公司拖欠员工三个月工资") == "职工"
    assert extract_group("学校让学生周末补课，家长和学生都很累") == "学生"
    assert extract_group("出租车司机反映加气站排队太久") == "司机"
    assert extract_group("医院门口的路灯坏了") is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("投诉楼下烧烤店油烟扰民，严重影响休息", "complaint"),
        ("我家房子被淹了，走投无路，请求帮助", "help"),
        ("请问新生儿医保怎么办理？需要什么材料", "consultation"),
        ("建议在学校门口增设红绿灯", "suggestion"),
        ("举报某工地夜间违规施工偷排污水", "report"),
        ("表扬社区王书记为民办实事", "praise"),
        ("菜市场门口的垃圾桶", "complaint"),
    ],
)
def test_the_kind_of_voice_follows_its_cue_words(text, kind):
    assert guess_kind(text) == kind


def test_the_subject_outweighs_a_question_in_the_body():
    assert guess_kind("投诉收费站工作人员态度差。请问这是什么服务？") == "complaint"


def test_reading_a_voice_at_once_agrees_with_each_question_asked_alone():
    text = "尊敬的领导：投诉翠湖花园业主群里物业乱收费，业主们很气愤。谢谢！"
    reading = read(text)
    assert reading.text == normalise(text)
    assert reading.tokens == tokens(text)
    assert reading.place == extract_place(text) == "翠湖花园"
    assert reading.group == extract_group(text) == "业主"
    assert reading.kind == guess_kind(text) == "complaint"


def test_names_that_recur_across_voices_are_learned():
    texts = [
        "我们蓝溪郡北门垃圾没人清理",
        "住在蓝溪郡的居民反映停车难",
        "A3区蓝溪郡小区电梯坏了",
        "蓝溪郡的路灯不亮",
        "物业公司不作为，物业太差",
        "物业公司乱收费，物业不管",
        "物业公司不回电话，物业失联",
        "我家门口的青石板路坏了",
    ]
    learned = learn_places(texts, min_texts=3)
    assert "蓝溪郡小区" not in learned  # only once
    assert "物业公司" not in learned  # 物业 is everywhere on its own: not a name
    assert "青石板路" not in learned  # only once
    texts += ["蓝溪郡小区停水", "蓝溪郡小区门口占道", "我们蓝溪郡小区没有路灯"]
    assert "蓝溪郡小区" in learn_places(texts, min_texts=3)


def test_synthetic_voices_yield_their_place_and_kind():
    voices = list(generate_voices(400, seed=3))
    texts = [f"{v.subject}。{v.body}" for v in voices]
    tokenizer = Tokenizer(learn_places(texts))
    found = [extract_place(t, tokenizer) for t in texts]
    pairs = zip(found, voices, strict=True)
    near = sum(bool(f) and (f in v.place or v.place in f) for f, v in pairs)
    assert near >= 0.75 * len(voices)  # measured 0.83 (0.67 exactly the same name)
    kinds = sum(guess_kind(t) == v.kind for t, v in zip(texts, voices, strict=True))
    assert kinds >= 0.85 * len(voices)  # measured 0.91


def test_real_messages_name_a_place_and_share_learned_names(tipdm):
    book = CalamineWorkbook.from_path(tipdm / "messages_with_replies.xlsx")
    rows = book.get_sheet_by_index(0).to_python()[1:]
    texts = [f"{row[2]}。{row[4]}" for row in rows]
    learned = learn_places(texts, min_texts=3)
    assert len(learned) >= 50  # measured 110
    assert all(sum(name in t for t in texts) >= 3 for name in learned[:20])
    tokenizer = Tokenizer(learned)
    places = [extract_place(t, tokenizer) for t in texts]
    assert sum(p is not None for p in places) >= 0.95 * len(texts)  # measured 0.978
    areas_only = sum(p is not None and p[-1] in "市区县省" for p in places)
    assert areas_only < 0.4 * len(texts)
    # a subject that starts by saying what it is (咨询…, 投诉…) gets that kind
    said = {"咨询": "consultation", "投诉": "complaint", "建议": "suggestion", "举报": "report"}
    pairs = [
        (said[str(r[2])[:2]], t) for r, t in zip(rows, texts, strict=True) if str(r[2])[:2] in said
    ]
    assert len(pairs) > 500
    agree = sum(guess_kind(text) == kind for kind, text in pairs)
    assert agree >= 0.95 * len(pairs)  # measured 0.98
