"""Normalising and segmenting voices: what the rest of the engine reads."""

import subprocess
import sys

import pytest
from python_calamine import CalamineWorkbook

from massline.engine.text import Tokenizer, normalise, tokens


def test_the_engine_runs_without_django():
    code = "import sys, massline.engine.hotissues; print('django' in sys.modules)"
    python = [sys.executable, "-c", code]
    out = subprocess.run(python, capture_output=True, text=True, check=True).stdout  # noqa: S603
    assert out.strip() == "False"


def test_traditional_characters_become_simplified():
    assert normalise("這條馬路的路燈壞了很久") == "这条马路的路灯坏了很久"


def test_full_width_letters_digits_and_punctuation_become_half_width():
    assert normalise("ＡＢＣ小区１２３号楼（北门）：水压低") == "ABC小区123号楼(北门):水压低"


def test_web_padding_is_removed_but_latin_words_stay_apart():
    raw = "\n\t\t\t小区　门口&nbsp;的\xa0路灯\n\t\t不亮，\tWi Fi 也没有\n\t"
    assert normalise(raw) == "小区门口的路灯不亮,Wi Fi也没有"


def test_greetings_and_closings_are_stripped():
    raw = "尊敬的李书记：您好！我们小区停水三天了，希望尽快恢复供水。望领导重视，谢谢！"
    assert normalise(raw) == "我们小区停水三天了,希望尽快恢复供水。"


def test_other_openings_are_stripped_too():
    assert normalise("各位领导好，学校门口堵车严重") == "学校门口堵车严重"
    assert normalise("张书记：学校门口堵车严重") == "学校门口堵车严重"
    assert normalise("各位领导，学校门口堵车严重") == "学校门口堵车严重"
    assert normalise("领导，您好！学校门口堵车严重") == "学校门口堵车严重"
    assert normalise("临江市政府及相关部门：学校门口堵车严重") == "学校门口堵车严重"
    assert normalise("您好！请问公积金怎么提取？盼复。此致敬礼") == "请问公积金怎么提取?"


def test_content_that_looks_like_a_formula_is_kept():
    # a request is content, thanks in the middle of a sentence too, and a text that is
    # nothing but a greeting stays what it is
    assert normalise("物业说不用谢谢他们，可是问题还在") == "物业说不用谢谢他们,可是问题还在"
    assert normalise("我们不想再说谢谢") == "我们不想再说谢谢"
    assert normalise("您好") == "您好"
    # someone speaking is not an addressee, even before a colon
    assert normalise("我们多次找物业和相关部门：没人管") == "我们多次找物业和相关部门:没人管"


def test_numbers_and_dates_are_kept():
    text = normalise("２０２４年３月５日起，水费从3.2元涨到4.5元，涨了40%")
    assert text == "2024年3月5日起,水费从3.2元涨到4.5元,涨了40%"


def test_place_names_stay_whole():
    words = tokens("我住在杜鹃文苑小区，每天走潇楚南路去临江市第三中学接孩子")
    assert "杜鹃文苑小区" in words
    assert "潇楚南路" in words
    assert "第三中学" in words


def test_area_codes_and_dates_stay_whole():
    words = tokens("A市A5区和B3县从2023年7月起停电")
    assert "A市A5区" in words
    assert "B3县" in words
    assert "2023年7月" in words


def test_organisations_and_companies_stay_whole():
    words = tokens("恒通房地产开发有限公司拖欠工资，白沙镇派出所不管")
    assert "恒通房地产开发有限公司" in words
    assert "白沙镇派出所" in words


def test_stop_words_and_punctuation_are_dropped():
    words = tokens("我们的小区，在这里已经停水了！！")
    assert words == ["小区", "停水"]


def test_common_words_ending_like_a_place_are_not_glued():
    words = tokens("我们小区的道路太差，思路不清，也没有路灯")
    assert "小区" in words
    assert "道路" in words
    assert "思路不清" in words or "思路" in words
    assert not any(w.endswith("小区") and w != "小区" for w in words)


def test_a_tokenizer_learns_names_without_changing_the_default_one():
    text = "蓝溪郡北门垃圾没人清理"
    learned = Tokenizer(["蓝溪郡"])
    assert "蓝溪郡" in learned.tokens(text)
    assert "蓝溪郡" not in tokens(text)


def test_the_real_messages_all_normalise_and_segment(tipdm):
    rows = CalamineWorkbook.from_path(tipdm / "messages_with_replies.xlsx")
    rows = rows.get_sheet_by_index(0).to_python()[1:]
    assert len(rows) == 2816
    texts = [normalise(f"{row[2]}。{row[4]}") for row in rows]
    assert all("\t" not in t and "\n" not in t and "\u3000" not in t for t in texts)
    greeted = sum(t.startswith(("尊敬的", "您好", "你好")) for t in texts)
    assert greeted < 0.01 * len(texts)
    segmented = [tokens(t) for t in texts]
    assert all(segmented)
    words = [w for ws in segmented for w in ws]
    assert "的" not in words
    assert "，" not in words and "," not in words
    # area codes such as A3区 come out whole across the board
    assert sum(w in ("A3区", "A市A3区") for w in words) > 100


@pytest.mark.parametrize("text", ["", "   ", "\n\t", "！！！"])
def test_empty_or_punctuation_only_text_gives_no_words(text):
    assert tokens(text) == []
