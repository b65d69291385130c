"""Normalise and segment Chinese voices.

Two entry points are used everywhere else in the engine:

- :func:`normalise` turns raw web or hotline text into clean simplified Chinese with
  half-width letters, digits and punctuation, no padding and no greeting or closing
  formulas, keeping every number and date.
- :func:`tokens` segments it with jieba (its Rust port, rjieba: about twenty times faster
  than the Python one, same dictionary) plus massline's domain dictionary, keeps place and
  organisation names whole (翠湖花园, 潇楚南路, A3区, 第三中学 …) and drops stop words and
  punctuation.

Both run through a :class:`Tokenizer`; the module-level functions use a shared default one.
A deployment that has learned its own place names (see :func:`massline.engine.places.learn_places`)
makes its own ``Tokenizer`` and calls :meth:`Tokenizer.add_words`, so nothing global changes
behind anybody's back.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Iterable
from functools import cache, partial
from importlib import resources

import rjieba
import zhconv

CJK = "\u4e00-\u9fff"


def _words(text: str) -> tuple[str, ...]:
    """Space-separated words, so long word lists stay readable."""
    return tuple(text.split())


# Names end in these words; jieba cuts them off their proper names ("翠湖" "花园"), so
# they are glued back on. Grouped by how specific a place they name, most specific first
# (massline.engine.places reads this order).
PLACE_SUFFIXES: dict[str, tuple[str, ...]] = {
    "compound": _words(
        "小区 花园 华苑 花苑 雅苑 嘉园 家园 新城 新村 公寓 大厦 名邸 华庭 华府 公馆 苑 "
        "安置房 宿舍区 宿舍 商城 广场 市场 菜市场 公园 楼盘 项目 工地 "
        "站 车站 地铁站 汽车站 火车站 客运站 收费站"
    ),
    "institution": _words(
        "学校 小学 中学 高中 初中 大学 学院 幼儿园 医院 人民医院 卫生院 诊所 养老院 敬老院 "
        "保健院 妇幼保健院 健身房 棋牌室 酒吧 "
        "中心小学 实验小学 实验中学 "
        "公司 有限公司 有限责任公司 集团 银行 酒店 宾馆 工厂 厂 超市 加油站 检测站 "
        "服务中心 便民服务中心 卫生服务中心 服务站 社保服务站 药房 药店 店 小吃店 面馆 饭店 "
        "餐馆 餐厅 酒楼 大排档 网吧 商店 商行 商场 便利店 美容院 理发店 足浴店 汽修厂"
    ),
    "road": _words("路 南路 北路 东路 西路 中路 大道 大街 街 巷 桥 大桥 高速 绿道"),
    "village": _words("村 社区"),
    "town": _words("街道 镇 乡"),
    "organisation": _words("局 分局 委员会 委 办事处 中心 管理处 派出所 法院"),
}
SUFFIX_KIND: dict[str, str] = {s: kind for kind, ss in PLACE_SUFFIXES.items() for s in ss}
KIND_RANK: dict[str, int] = {kind: rank for rank, kind in enumerate(PLACE_SUFFIXES)}

# Tokens never part of a proper name in front of a suffix: "我们小区", "该路段", "这个学校".
_NOT_A_NAME = set(
    _words(
        "的 了 在 于 是 和 与 及 或 到 从 对 向 把 被 让 给 该 这 那 此 其 各 每 本 我 你 他 她 它 "
        "我们 你们 他们 咱们 大家 这个 那个 这些 那些 这里 那里 一个 整个 所有 附近 周边 旁边 "
        "门口 对面 里面 外面 所在 位于 地处 住在 属于 我家 我市 我区 全市 全区 本市 本区 "
        "各个 有的 一些 很多 多个 几个 有限 新 老 大 小 上 下 内 外 中 市 区 县 省 进 出 修 "
        "也 就 还 又 才 很 太 更 最 不 没 要 会 能 想 使 请 说 为 以 而 将 已 再 咨询 投诉 "
        "以来 以后 以前 起来 通过 通 过 去 来 住 上学 回家 走 开 走路 马 道 思 网 "
        "一条 条 一所 所 一家 家 一座 座"
    )
)

# Characters no name starts with: pronouns, particles and the verbs before a place.
NEVER_FIRST = frozenset("我你他她它的了在是住到从对把被让给往和与及或该这那此其穿号栋")

# A bus or metro line (81路, K66路公交, 地铁3号线) is a place people complain about.
_LINE = r"(?:地铁)?\d+号线|[A-Z]?\d+路(?:公交车|公交|社区巴士|巴士)?"
LINE = re.compile(_LINE)
# Area codes, ordinals, lines and dates are cut by jieba into pieces ("A", "市", "2019",
# "年"): kept whole.
_PROTECT = re.compile(
    r"(?=[A-Z\d第地])"  # fails at once where none can start (almost everywhere)
    r"([A-Z]\d*[省市区县](?:[A-Z]\d*[区县镇])?|第\d+|"
    + _LINE
    + r"|\d{4}年\d{1,2}月(?:\d{1,2}[日号])?|\d{1,2}月\d{1,2}[日号]|\d{4}年)"
)
# The lookahead fails at once where no padding starts (almost everywhere).
_SPACE = re.compile(r"(?=[&\s\u3000\xa0\u200b\ufeff])(?:&nbsp;|[\s\u3000\xa0\u200b\ufeff])+")
_TIGHT = rf"[{CJK}，。、；：！？“”（）,;:!?()]"  # no space is wanted next to these
_CJK_SPACE = re.compile(rf"(?<={_TIGHT}) | (?={_TIGHT})")

# Greetings at the start: "尊敬的王书记：您好！", "各位领导好，", "您好，".
_TITLES = (
    "书记|市长|区长|县长|省长|镇长|局长|主任|领导|同志|老师|政府|部门|工作人员|网站|小编|相关部门"
)
_MARK = r"\s，。！？：,.!?:~、"
_GREETING = r"(?:您好|你好|您们好|你们好|大家好)"
_OPENINGS = re.compile(
    # 尊敬的王书记 (您好)
    rf"^(?:(?:尊敬|敬爱|亲爱)的[^{_MARK}]{{0,15}}?(?:{_TITLES})们?(?:[,，]?(?:{_GREETING}|好))?"
    # 王书记: / 各位领导好 / 领导,您好 (a short addressee, no one speaking: 我, 的 …)
    rf"|[^{_MARK}我你他她的了是在有]{{0,8}}?(?:{_TITLES})们?(?:[,，]?(?:{_GREETING}|好)|(?=[:：]))"
    # 各位领导, (a bare title, then a pause)
    rf"|(?:各位|诸位)?(?:{_TITLES})们?(?=[,，:：])"
    rf"|{_GREETING})[{_MARK}]*"
)
# Closings at the end, each a whole clause: "谢谢！", "此致敬礼", "望领导重视，盼复。"
_CLOSING = (
    r"(?:此致)?敬礼|此致|谢谢(?:您|你们|领导|各位领导|大家|了)?|多谢|盼复|望复|敬请回复|静候回复|万分感谢|不胜感激"
    r"|(?:非常)?感谢(?:您|你们|领导|各位领导|政府)?(?:的)?(?:关注|支持|帮助|回复|关心|倾听)?"
    r"|(?:恳请|希望|望|请|盼)(?:各位)?(?:领导|政府|有关部门|相关部门)?(?:给予)?(?:高度)?"
    r"(?:重视|关注|关心)(?:此事|这件事|这个问题|一下)?"
    r"|(?:盼|期待|望|急盼|恳请|希望)(?:您的|领导)?(?:回复|答复|回音|早日回复|尽快回复)"
)
_CLOSINGS = re.compile(rf"(?:^|(?<=[\s，。！？；,.!?;~、]))(?:{_CLOSING})[\s，。！？,.!?~]*$")

_WORDLIKE = re.compile(r"[^\W_]")  # a letter, digit or Chinese character
_STOPWORDS_FILE = "stopwords.txt"
_DICTIONARY_FILE = "dictionary.txt"


@cache
def _traditional() -> frozenset[str]:
    """The traditional characters zhconv turns into simplified ones."""
    table = zhconv.zhconv.getdict("zh-cn")
    return frozenset(k for k, v in table.items() if len(k) == 1 and k != v)


def normalise(text: str) -> str:
    """Clean one voice's text for reading by the engine.

    Parameters
    ----------
    text
        Raw text as it came in: web form, message board or hotline notes.

    Returns
    -------
    str
        Simplified Chinese; full-width letters, digits and punctuation made half-width
        (except the Chinese comma and full stop family, which NFKC leaves alone);
        HTML entities, tabs, newlines and ideographic spaces removed (one space stays
        between Latin words); greeting and closing formulas removed. Numbers and dates
        are kept as written.
    """
    if not text:
        return ""
    text = html.unescape(text.replace("&nbsp;", " "))
    if not _traditional().isdisjoint(text):  # zhconv is slow; most voices need nothing of it
        text = zhconv.convert(text, "zh-cn")
    for char, plain in _FULL_WIDTH.items():  # str.replace is far quicker than NFKC
        if char in text:
            text = text.replace(char, plain)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    text = _SPACE.sub(" ", text).strip()
    if " " in text:
        text = _CJK_SPACE.sub("", text)
    return _strip_formulas(text)


# The compatibility characters most voices have (，：！？ …), each NFKC's own replacement.
_FULL_WIDTH = {char: unicodedata.normalize("NFKC", char) for char in "，：！？（）；\u3000\xa0"}


def _strip_formulas(text: str) -> str:
    """Drop greetings at the start and closings at the end, as long as some remain."""
    while (m := _OPENINGS.match(text)) and m.end() and (stripped := text[m.end() :]):
        text = stripped
    while True:
        # closings are short: look for them near the end only (a letter can be long)
        m = _CLOSINGS.search(text, max(len(text) - _CLOSINGS_WITHIN, 0))
        stripped = (text[: m.start()] if m else text).rstrip(" ,，、;；~")
        if stripped == text or not stripped:
            return text
        text = stripped


_CLOSINGS_WITHIN = 200  # characters


def _is_punct(word: str) -> bool:
    return not _WORDLIKE.search(word)


def _data_lines(name: str) -> list[str]:
    path = resources.files("massline.engine") / "data" / name
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def stopwords() -> frozenset[str]:
    """Words too common in voices to tell one problem from another (的, 我们, 反映 …)."""
    return frozenset(_data_lines(_STOPWORDS_FILE))


class Tokenizer:
    """jieba with massline's domain dictionary and any place names learned later.

    Each instance owns its own segmenter (an ``rjieba.Jieba``), so adding words to one
    never changes what another one does.
    """

    def __init__(self, words: Iterable[str] = ()) -> None:
        self._jieba = rjieba.Jieba()
        self._added: dict[str, int] = {}
        self.places: set[str] = set()
        self._memos: dict[Callable, WordMemo] = {}
        for suffix in SUFFIX_KIND:  # cut off whole, so it can be glued to its name
            if len(suffix) > 1 and not self.is_word(suffix):
                self._add(suffix)
        for line in _data_lines(_DICTIONARY_FILE):
            word, _, freq = line.partition(" ")
            self._add(word, int(freq) if freq else None)
        self.add_words(words)

    def _add(self, word: str, freq: int | None = None) -> None:
        """Add ``word`` (frequency 0 removes it; None picks one that keeps it whole)."""
        self._added[word] = self._jieba.add_word(word, freq, None)

    def add_words(self, words: Iterable[str]) -> None:
        """Teach the tokenizer names to keep whole (e.g. learned places)."""
        for word in words:
            if word and word not in self.places:
                self.places.add(word)
                self._add(word, 2000)
        self._memos.clear()  # a learned name is a place, and no generic one

    def memo(self, decide: Callable[[str, Tokenizer], object]) -> WordMemo:
        """What ``decide(word, self)`` says of each word, asked once per distinct word and
        forgotten when words are added (decisions that depend on the learned names)."""
        memo = self._memos.get(decide)
        if memo is None:
            memo = self._memos[decide] = WordMemo(partial(decide, tokenizer=self))
        return memo

    def is_word(self, word: str, min_freq: int = 1) -> bool:
        """Whether ``word`` is in the dictionary at least ``min_freq`` times."""
        freq = self._added.get(word)
        if freq is None:
            freq = _dictionary().get(word, (0, ""))[0]
        return freq >= min_freq

    def is_common(self, word: str) -> bool:
        """Whether ``word`` is a common dictionary word rather than a proper name
        (道路 and 农贸市场 are; 湘雅医院 and 新华街, names in jieba's dictionary, and learned
        names are not)."""
        return word not in self.places and self.is_word(word) and not _PROPER.match(_tag(word))

    def is_name(self, text: str) -> bool:
        """Whether ``text`` reads as a proper name (翠湖, 杜鹃文苑): every word can be part of
        one, and it does not start with a stray single character (些夜宵, 场监督管理)."""
        words = self._jieba.cut(text, True)
        return bool(words) and len(words[0]) > 1 and all(_is_name_part(word) for word in words)

    def tag(self, word: str) -> str:
        """jieba's part of speech of a dictionary word ("" for any other word)."""
        return _tag(word)

    def words(self, text: str) -> list[str]:
        """Segment already normalised ``text``, place names glued, nothing dropped."""
        out: list[str] = []
        # The word before, glued onto ``out`` once the next word can no longer change it
        # (one pass over the words, not one to segment and one to glue).
        last = ""
        is_common, glues = self.is_common, self.memo(_takes_name)
        for i, part in enumerate(_PROTECT.split(text)):
            if i % 2:  # an area code, a line, a date: whole
                if last:
                    _glue_name(out, last, is_common)
                last = part
                continue
            for word in self._jieba.cut(part, True) if part else ():
                if word[0] in _SPLIT_FIRST and last:  # most words are taken as they are
                    if word[0] == "道" and last.endswith("街"):
                        last += "道"  # 秀水街 道: jieba cuts 街道 in two
                        word = word[1:]
                    elif (
                        word[0] in _ONE_CHAR_SUFFIXES
                        and _NAME_PART[last]
                        and not self.is_word(word)
                    ):
                        # 五一 桥来, 开元 路到: jieba's guess across a name's end
                        last += word[0]
                        word = word[1:]
                    if not word:
                        continue
                if last:
                    if last[-1] in _GLUE_ENDS and (last[-1] == "期" or glues[last]):
                        _glue_name(out, last, is_common)
                    else:  # most words: nothing to glue
                        out.append(last)
                last = word
        if last:
            _glue_name(out, last, is_common)
        return out

    def tokens(self, text: str) -> list[str]:
        """Normalise and segment ``text``; stop words, spaces and punctuation dropped."""
        return content_words(self.words(normalise(text)))


def content_words(words: Iterable[str]) -> list[str]:
    """``words`` without stop words, spaces and punctuation (what :func:`tokens` keeps)."""
    return [w for w in words if _CONTENT[w]]


class WordMemo(dict):
    """What ``decide`` says of each word, asked once per distinct word: voices use a few
    tens of thousands of words again and again, and these decisions run for every one.
    Forgets everything past :data:`MEMO_WORDS` words, so a long-running server's memo
    stays small."""

    def __init__(self, decide: Callable[[str], object]) -> None:
        super().__init__()
        self.decide = decide

    def __missing__(self, word: str) -> object:
        if len(self) >= MEMO_WORDS:
            self.clear()
        value = self[word] = self.decide(word)
        return value


MEMO_WORDS = 500_000
_CONTENT = WordMemo(lambda word: word not in stopwords() and not _is_punct(word))


def _glue_name(out: list[str], word: str, is_common: Callable[[str], bool]) -> None:
    """Append ``word`` to the words before it, ``out``, gluing a place suffix to the name
    before it: 杜鹃 文苑 小区 → 杜鹃文苑小区.

    Up to two name words join, never a stop word, a verb, a number or an area ("A3区"),
    so that "我们小区" and "A3区小区" stay apart. Company names are longer and made of
    trade words (隆兴 房地产 开发 有限公司): up to four words join, any but a verb first.
    """
    if word[-1] not in _GLUE_ENDS:
        out.append(word)
        return
    if word[-1] == "期" and (
        PHASE.fullmatch(word) or (word == "期" and out and _PHASE_NUMBER.fullmatch(out[-1]))
    ):
        word = _glue_phase(out, word)
    if suffix := _name_suffix(word, is_common):
        company = suffix.endswith(("公司", "集团"))
        parts, chars = (4, 10) if company else (2, 6)
        name: list[str] = []
        while (
            out
            and len(name) < parts
            and _is_name_part(out[-1], loose=company)
            and _more_specific(suffix, out[-1])
            and len(out[-1]) + sum(map(len, name)) <= chars
        ):
            name.insert(0, out.pop())
        while name and not _is_name_part(name[0]):  # "投诉 物业 公司": 投诉 is no name
            out.append(name.pop(0))
        if name and len(name[0]) > 2 and name[0][0] in _NOT_A_NAME:
            out.append(name[0][0])  # jieba guessed a word across a verb: 走潇楚 南路
            name[0] = name[0][1:]
        while name and name[0][0] in NEVER_FIRST:  # 我住 云栖 雅苑, 穿长 永 高速
            out.append(name[0][0])
            name[0] = name[0][1:]
            if not name[0]:
                name.pop(0)
        word = "".join(name) + word
    out.append(word)


def _name_suffix(word: str, is_common: Callable[[str], bool]) -> str | None:
    """The place suffix of ``word`` if a name can stand before it: a bare suffix, a common
    word ending in one, (东湖) 实验学校, (翠湖) 农贸市场, or a village name cut in two:
    (孔家) 沟村."""
    suffix = suffix_of(word)
    if suffix and (
        word == suffix
        or (len(suffix) > 1 and is_common(word))
        or (len(word) == 2 and SUFFIX_KIND[suffix] == "village")
    ):
        return suffix
    return None


def _takes_name(word: str, tokenizer: Tokenizer) -> bool:
    return _name_suffix(word, tokenizer.is_common) is not None


def _glue_phase(out: list[str], word: str) -> str:
    """A compound's phase (东方 水岸 明珠 6 期, 恒 大城 二期) is one name: taken off ``out``
    and returned whole, or ``word`` alone when no name stands before it."""
    number = out.pop() if word == "期" else ""
    name: list[str] = []
    while (
        out and len(name) < 3 and _is_name_part(out[-1]) and len(out[-1]) + sum(map(len, name)) <= 6
    ):
        name.insert(0, out.pop())
    if sum(map(len, name)) < 2:
        out.extend(name)
        if number:
            out.append(number)
        return word
    return "".join(name) + number + word


def _more_specific(suffix: str, word: str) -> bool:
    """Whether ``suffix`` names a smaller place than ``word`` does, if ``word`` is a place.

    桃源街道 + 便民服务中心 and 上塘镇 + 派出所 are one name each; 上塘医院 + 社区 (服务)
    and 农贸市场 + 市场 (监管) are two.
    """
    inner = suffix_of(word)
    if inner is None or len(word) < len(inner) + 2:  # 文苑 (小区) ends like a place, is none
        return True
    return _GLUE_RANK[SUFFIX_KIND[suffix]] < _GLUE_RANK[SUFFIX_KIND[inner]]


# For glueing, an office (派出所, 分局) is as small as an institution.
_GLUE_RANK = KIND_RANK | {"organisation": KIND_RANK["institution"]}


def suffix_of(word: str) -> str | None:
    """The place suffix ``word`` ends with (the longest), if any: 翠湖花园 → 花园."""
    if word[-1:] not in SUFFIX_ENDS:  # this runs for every word: most end otherwise
        return None
    return _SUFFIX_OF[word]


def _decide_suffix(word: str) -> str | None:
    for length in _SUFFIX_LENGTHS:
        if word[-length:] in SUFFIX_KIND:
            return word[-length:]
    return None


_ONE_CHAR_SUFFIXES = frozenset(s for s in SUFFIX_KIND if len(s) == 1)
_SUFFIX_LENGTHS = sorted({len(s) for s in SUFFIX_KIND}, reverse=True)
#: The last characters of place suffixes: a word ending otherwise names no place.
SUFFIX_ENDS = frozenset(s[-1] for s in SUFFIX_KIND)
_GLUE_ENDS = SUFFIX_ENDS | {"期"}
_SPLIT_FIRST = _ONE_CHAR_SUFFIXES | {"道"}


def _is_name_part(word: str, loose: bool = False) -> bool:
    """Whether ``word`` can be part of a proper name; ``loose`` takes any word but a
    function word (for company names, made of trade words and verbs)."""
    return (_LOOSE_NAME_PART if loose else _NAME_PART)[word]


def _decide_name_part(word: str, loose: bool = False) -> bool:
    if word in _NOT_A_NAME or word in SUFFIX_KIND:
        return False
    if _ORDINAL.fullmatch(word) or _DAY_NAME.fullmatch(word):  # 第5 (人民医院), 五一 (桥)
        return True
    if _is_area(word) or not _CJK_WORD.fullmatch(word):
        return False
    if len(word) == 1:  # a broken unknown name: 名 都 嘉园, 府 前 北路
        return True
    if word[-1] in "了过着的地得":  # jieba's guess across a verb: 找过 (社区), 去了 (医院)
        return False
    if word in stopwords():
        return False
    return loose or (_tag(word) or "x")[0] not in _NOT_NAME_TAGS


def _is_area(word: str) -> bool:
    return word.endswith(("市", "县", "省")) or (
        word.endswith("区")
        and not word.endswith(("社区", "小区", "园区", "校区", "景区", "宿舍区"))
    )


# Parts of speech never found in a proper name: verbs (but nouns made of verbs such as
# 物业管理 are, in company names), adverbs, prepositions, conjunctions,
# particles, pronouns, numerals, measure words, distinguishing words (高档, 私立), localisers,
# idioms. "规划 多条 地铁站" and "请问 教育局" are not names; "杜鹃 文苑 小区" is.
_NOT_NAME_TAGS = set("vdpcurmqbfyeoli")
_NAME_PART = WordMemo(_decide_name_part)
_LOOSE_NAME_PART = WordMemo(lambda word: _decide_name_part(word, loose=True))
_SUFFIX_OF = WordMemo(_decide_suffix)
_CJK_WORD = re.compile(rf"[{CJK}]+")
# A compound's phase: 二期, 6 期 (and, once glued, 东方水岸明珠6期)
_PHASE_NUMBER = re.compile(r"\d{1,2}|[一二三四五六七八九十]{1,2}")
PHASE = re.compile(rf"(?:{_PHASE_NUMBER.pattern})期$")
_DAY_NAME = re.compile(r"[一二三四五六七八九十]{2}")  # 五一路, 八一桥
_ORDINAL = re.compile(r"第[\d一二三四五六七八九十]+")
_PROPER = re.compile(r"n[srtz]")  # jieba's tags of place, person, organisation names


@cache
def _dictionary() -> dict[str, tuple[int, str]]:
    """jieba's dictionary: each word's frequency and part of speech (read once, on first use;
    rjieba has the same words built in but does not tell their frequencies and tags)."""
    entries: dict[str, tuple[int, str]] = {}
    with (resources.files("jieba") / "dict.txt").open(encoding="utf-8") as lines:
        for line in lines:
            word, freq, tag = line.split()
            entries[word] = (int(freq), tag)
    return entries


def _tag(word: str) -> str:
    """jieba's part of speech of a dictionary word ("" for any other word)."""
    return _dictionary().get(word, (0, ""))[1]


@cache
def default_tokenizer() -> Tokenizer:
    """The shared tokenizer with the domain dictionary only (built once, on first use)."""
    return Tokenizer()


def tokens(text: str) -> list[str]:
    """Words of ``text`` for the engine, with the default :class:`Tokenizer`.

    Parameters
    ----------
    text
        Raw text; it is normalised first.

    Returns
    -------
    list of str
        Words in order, place and organisation names whole, stop words and punctuation
        dropped.
    """
    return default_tokenizer().tokens(text)
