"""The reply check (答复质量检查): warnings before a department sends its reply to a voice.

A reply takes one of three dispositions — resolved (已解决), cannot be solved yet (暂不能解决:
say why and when), not within policy (不符合政策: give the policy basis and explain). The
check reads the voice and the draft reply and warns when the reply

- is empty or too short;
- leaves the voice's main points untouched: its places, its key problem words, its explicit
  questions and demands;
- gives no concrete facts: when, who, what was done, on what basis;
- lacks what its disposition needs (what was done; why and when; the basis and why);
- is boilerplate: mostly formulas (您好, 感谢您的关注, 高度重视 …), or near-identical to many
  earlier replies (a :class:`ReplyHistory`, e.g. the department's own).

One call, :func:`check_reply`, returns a list of :class:`ReplyWarning`. Messages are plain
English constants (:data:`MESSAGES`) for the app to translate; the evidence says which points,
facts or earlier replies the warning is about. Plain Python, no Django.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice

import numpy as np

from massline.engine.places import AREA_CODE, read
from massline.engine.text import (
    CJK,
    SUFFIX_KIND,
    Tokenizer,
    content_words,
    default_tokenizer,
    normalise,
    suffix_of,
)

# Dispositions (答复类型), as the case's reply form offers them.
RESOLVED = "resolved"
NOT_YET = "not_yet"
NOT_IN_POLICY = "not_in_policy"
DISPOSITIONS = (RESOLVED, NOT_YET, NOT_IN_POLICY)

# Warning codes
EMPTY = "empty"
TOO_SHORT = "too_short"
POINTS_NOT_ADDRESSED = "points_not_addressed"
NO_FACTS = "no_concrete_facts"
NO_ACTION = "no_action_taken"
NO_REASON = "no_reason"
NO_TIME_FRAME = "no_time_frame"
NO_BASIS = "no_policy_basis"
NO_EXPLANATION = "no_explanation"
BOILERPLATE = "boilerplate"
SAME_AS_EARLIER = "same_as_earlier_replies"


def gettext_noop(message: str) -> str:
    """Mark ``message`` for translation without Django: its makemessages collects calls of
    this name, and the app shows ``gettext(warning.message)``."""
    return message


#: One plain English message per code.
MESSAGES: dict[str, str] = {
    EMPTY: gettext_noop("The reply is empty."),
    TOO_SHORT: gettext_noop("The reply is too short to answer the voice."),
    POINTS_NOT_ADDRESSED: gettext_noop("The reply does not address some main points of the voice."),
    NO_FACTS: gettext_noop(
        "The reply gives no concrete facts: what was done, when, by whom, on what basis."
    ),
    NO_ACTION: gettext_noop("The reply says the problem is resolved but not what was done."),
    NO_REASON: gettext_noop("The reply does not say why the problem cannot be solved yet."),
    NO_TIME_FRAME: gettext_noop(
        "The reply does not say when the problem will be solved (a date or time frame)."
    ),
    NO_BASIS: gettext_noop(
        "The reply does not cite the policy basis (a law, regulation, document or article)."
    ),
    NO_EXPLANATION: gettext_noop(
        "The reply does not explain why the request is not within policy."
    ),
    BOILERPLATE: gettext_noop("The reply is mostly standard phrases with little specific content."),
    SAME_AS_EARLIER: gettext_noop("The reply is nearly the same as many earlier replies."),
}

#: What each disposition asks of a reply: the warnings only it can give.
DISPOSITION_WARNINGS: dict[str, tuple[str, ...]] = {
    RESOLVED: (NO_ACTION,),
    NOT_YET: (NO_REASON, NO_TIME_FRAME),
    NOT_IN_POLICY: (NO_BASIS, NO_EXPLANATION),
}

# Kinds of facts, as a warning's evidence names the missing ones. A cause (WHY) and figures
# (amounts, distances, counts) are facts too, but no warning asks for them.
WHEN, WHO, WHAT, WHY, BASIS = "when", "who", "what was done", "why", "on what basis"
FIGURES = "figures"
FACTS = 2  #: fewer kinds of facts than this (a cited document counts twice): no concrete facts

MIN_CHARS = 15  #: fewer characters than this, formulas aside: too short
MAX_POINTS = 8  #: main points looked for in a reply
KEY_WORDS = 4  #: key problem words of a voice among its points
ADDRESSED = 0.4  #: at least this share of the points touched, weighted, or a warning
SPECIFIC = 20  #: fewer specific characters than this, formulas and common reply phrases aside
NEAR = 0.7  #: estimated shingle Jaccard at or above which two replies are near-identical
MANY = 3  #: this many near-identical earlier replies make a reply a template
COMMON_SHARE = 0.05  #: a character pair in more than this share of earlier replies is common


@dataclass(frozen=True, slots=True)
class ReplyWarning:
    """One thing the reply check found: a code (see :data:`MESSAGES`), its English message
    and the evidence (the voice's points not addressed, the missing kinds of facts, the
    ids of near-identical earlier replies …)."""

    code: str
    message: str
    evidence: tuple[str, ...] = ()


def _warning(code: str, evidence: Iterable[str] = ()) -> ReplyWarning:
    return ReplyWarning(code, MESSAGES[code], tuple(evidence))


@dataclass(frozen=True, slots=True)
class Point:
    """A main point of a voice: a place, a key problem word or an explicit question or
    demand; ``words`` are what a reply must contain (one of them) to touch it."""

    kind: str  #: "place", "word" or "question"
    text: str
    words: tuple[str, ...]


# --- the voice's main points ------------------------------------------------------------

# A question or demand: a sentence asking (请问, 能否, 为什么 …) or asking for (希望, 要求 …).
_ASKS = re.compile(
    r"请问|想问|能否|可否|是否|能不能|可不可以|有没有|为什么|为何|何时|什么时候|怎么|如何|多久|哪里"
    r"|希望|要求|请求|恳请|建议|呼吁|盼望|尽快|早日"
)
_SENTENCE = re.compile(r"[^。!?;！？；\n]+[。!?;！？；]?")
# Words every voice uses that say nothing of its problem (beyond the engine's stop words).
_VOICE_FORMULA_WORDS = (
    "解决 处理 帮助 重视 关注 落实 督促 调查 核实 答复 回复 给予 尽快 早日 严重 影响 本人 各位 "
    "上级 上级领导 书记 市长 县长 区长 主任 局长 老百姓 群众 居民 我家 问问 请示 要求 建议 "
    "现在 一年 两年 多年 几年 今天 昨天 每天 天天 一直 好 多 少 大 小 事 事情 办法 "
    "咨询 投诉 举报 求助 事宜 小区 路段 市民 网友 部门 单位 工作 措施"
)
_VOICE_FORMULA = frozenset(_VOICE_FORMULA_WORDS.split())


def main_points(voice_text: str, tokenizer: Tokenizer | None = None) -> list[Point]:
    """The main points of a voice, most important first: its place and the other places of
    its opening (areas such as "A3区" alone are not points: replies seldom repeat them),
    its key problem words (nouns; the subject's first, then the most repeated), and its
    explicit questions and demands (each with the words that tell it).

    Parameters
    ----------
    voice_text
        The voice as people wrote it; subject and body joined works best.
    tokenizer
        A tokenizer that knows the deployment's learned place names; the default one
        otherwise.
    """
    tokenizer = tokenizer or default_tokenizer()
    reading = read(voice_text, tokenizer)
    points: list[Point] = []
    for place in (reading.place, *reading.also) if reading.place else ():
        if not _AREA.fullmatch(place):
            points.append(Point("place", place, _place_variants(place)))
    taken = {w for p in points for w in p.words}
    head = _SENTENCE.match(reading.text)
    head_text = head.group() if head else ""
    counts = Counter(w for w in reading.tokens if w not in taken)
    counts = Counter({w: n for w, n in counts.items() if _is_key(w, tokenizer)})
    # the subject's words count double (they say what the voice is about), everyday words
    # (管理, 时间) less than rare ones (漏水, 兽医站)
    ranked = sorted(
        counts,
        key=lambda w: -(counts[w] + 2 * (w in head_text)) / _commonness(w, tokenizer),
    )
    for word in ranked[:KEY_WORDS]:
        points.append(Point("word", word, (word,)))
        taken.add(word)
    for sentence in _SENTENCE.findall(reading.text):
        if len(points) >= MAX_POINTS:
            break
        if "?" not in sentence and not _ASKS.search(sentence):
            continue
        # the clause that asks (请问什么时候能清理?), else the whole sentence
        asking = [c for c in _CLAUSE.findall(sentence) if "?" in c or _ASKS.search(c)]
        for question in (asking[-1] if asking else sentence, sentence):
            words = [
                w for w in content_words(tokenizer.words(question)) if _is_key(w, tokenizer, True)
            ]
            if words:
                break
        words = sorted(dict.fromkeys(words), key=len, reverse=True)[:3]
        if words and not set(words) <= taken:
            points.append(Point("question", question.strip(" ,"), tuple(words)))
    return points[:MAX_POINTS]


def _is_key(word: str, tokenizer: Tokenizer, verbs: bool = False) -> bool:
    """Whether a word can be a key problem word: a noun (漏水, 噪音, 交通设施), a name
    jieba does not know (辅警) or, with ``verbs``, a verb (what a question asks for: 清理),
    not an area, a number or a formula."""
    if len(word) < 2 or word in _VOICE_FORMULA or not _CJK_WORD.fullmatch(word):
        return False
    tag = tokenizer.tag(word)
    return (
        tag[:1] in _KEY_TAGS
        or tag in ("vn", "an")
        or (verbs and tag in ("v", "a"))
        or (not tag and not _AREA.search(word))
    )


_KEY_TAGS = {"n", "l", "i", "j", "s"}  # nouns, set phrases, idioms, abbreviations, places


def _commonness(word: str, tokenizer: Tokenizer) -> int:
    """1 for a rare word (or a name jieba does not know), up to 4 for an everyday one."""
    return 1 + sum(tokenizer.is_word(word, freq) for freq in _EVERYDAY)


_EVERYDAY = (100, 1000, 10000)  # frequencies in jieba's dictionary
_CJK_WORD = re.compile(rf"[{CJK}A-Z]*[{CJK}][{CJK}A-Z]*")  # no number, no date
_AREA = re.compile(r"^(?:[A-Z]\d*[省市区县])+$")


def _place_variants(place: str) -> tuple[str, ...]:
    """A place and the ways a reply may name it: 荣合桥社区 as 荣合桥, A3区人民医院 as
    人民医院, 福元路悦湖山小区 as 福元路 or 悦湖山小区 or 悦湖山."""
    variants = [place]
    area = AREA_CODE.match(place)
    if area and len(place) - area.end() >= 2:
        variants.append(place[area.end() :])
    name = variants[-1]
    for end in range(3, len(name) - 2):  # a road or a village before a compound
        if suffix_of(name[:end]) and suffix_of(name):
            variants += [name[:end], name[end:]]
            break
    for variant in list(variants):
        suffix = suffix_of(variant)
        stem = variant[: -len(suffix)] if suffix else ""
        if len(stem) >= 2 and re.fullmatch(rf"[{CJK}]+", stem):
            variants.append(stem)
    return tuple(dict.fromkeys(variants))


def _touches(words: tuple[str, ...], reply: str, tokenizer: Tokenizer) -> bool:
    """Whether the reply names one of ``words`` or a close variant (a word of two or more
    characters inside a longer one: 孔明 of 孔明灯, 出行 of 出行难)."""
    for word in words:
        if word in reply:
            return True
        if len(word) >= 3:
            for i in range(len(word) - 1):
                pair = word[i : i + 2]
                if pair in reply and tokenizer.is_word(pair) and pair not in _VOICE_FORMULA:
                    return True
    return False


_WEIGHTS = {"place": 2.0, "word": 1.0, "question": 1.5}


def points_not_addressed(
    points: list[Point], reply_text: str, tokenizer: Tokenizer | None = None
) -> tuple[list[Point], float]:
    """The points a reply never touches, and the weighted share it does touch (1.0 when
    the voice has no points)."""
    return _missed(points, normalise(reply_text), tokenizer or default_tokenizer())


def _missed(points: list[Point], reply: str, tokenizer: Tokenizer) -> tuple[list[Point], float]:
    missed = [p for p in points if not _touches(p.words, reply, tokenizer)]
    total = sum(_WEIGHTS[p.kind] for p in points)
    share = 1 - sum(_WEIGHTS[p.kind] for p in missed) / total if total else 1.0
    return missed, share


# --- concrete facts ---------------------------------------------------------------------

_CLAUSE = re.compile(r"[^,，。;；!！?？:：\n]+")
# Clauses that only receive or pass on a voice (已收悉, 已转F9市调查处理): no fact of their own.
_PASSING_ON = re.compile(
    r"收悉|已阅|收到|已转|转交|转办|转至|转给|转到|移交|交由|批转|转请|交办|已交(?!纳|费|付|清)"
)
# The reply's own date, usually at its end: when it was written, not when anything was done.
_SIGNATURE = re.compile(r"[\s(（]*\d{4}[年\-/.]\d{1,2}[月\-/.]\d{1,2}日?[\s)）。.]*$")
_DATE = re.compile(
    r"\d{4}年|\d{1,2}月\d{1,2}[日号]|\d{1,2}月(?:份|[上中下]旬|底|初)|\d{1,2}[日号](?:上午|下午|晚)"
    r"|(?:上午|下午|晚上|凌晨)\d{1,2}[时点]|\d{1,2}[:：]\d{2}|\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"
)
# A time frame ahead: 年底前, 6月底, 30个工作日内, 下半年, 明年 …
_TIME_FRAME = re.compile(
    _DATE.pattern + r"|\d+个?(?:工作日|日|天|周|星期|月|季度|年)(?:内|之内|以内|左右|后)"
    r"|[一二三四五六七八九十两半]+个?(?:工作日|天|周|星期|月|季度|年)(?:内|之内|以内|左右|后)"
    r"|年底|年内|年前|月底|月内|上半年|下半年|明年|后年|近期内?|春节前|汛期前|开学前|本周|下周|下月"
)
# Who acted: an office or a place that acts (A7县交通运输局, 洪山街道, 金鹰小学), the replier
# itself (我局, 本所), or its people.
_ACTOR_KINDS = {"organisation", "institution", "town", "village"}
_ACTOR = re.compile(
    r"[我本该](?:局|委|办|厅|镇|乡|县|区|市|所|队|院|站|中心|街道|单位|公司|部门)"
    rf"|[{CJK}A-Z\d]{{2,8}}(?:人民政府|政府|党委|管委会|指挥部|执法局|大队|中队|支队|监督站|管理站"
    r"|管理所|管理处|服务站|服务中心|办公室|委员会)"
    r"|工作人员|执法人员|执法队员|民警|交警|城管|网格员|专干|技术人员|施工单位|物业公司|开发商"
)
_ACTION = re.compile(
    # (及时, 积极 are in promises as often: 将及时处理)
    r"(?:已经?|均已|经过?|于|随即|立即|迅速|当即|现已|已于|正在|多次)[^,，。;；]{0,8}?"
    r"(?:派|组织|安排|核实|核查|调查|了解|检查|查处|查封|整改|处理|处置|完成|修复|维修|修缮|清理|清运"
    r"|拆除|更换|安装|约谈|协调|下发|召开|开展|督促|责令|立案|处罚|罚款|联系|走访|发放|退还|补发"
    r"|办理|解决|疏通|硬化|铺设|制定|出台|取缔|关停|暂停|恢复|落实|告知|回访|整治|收回|纠正"
    r"|规划|建设|施工|优化|调整|改造|编制|论证|设置|增设|启动|实施|推进|督办|制止|劝导|测量|检测"
    r"|审批|审核|通过|成立|筹备|上报|报送|参观|调研|摸底|排查|巡查|抽查|登记|备案|签订|拨付"
    r"|沟通|协商|对接)"
    r"|派员|派出|前往|赶赴|现场|实地|经查|经调查|经核实|经核查|经了解|整改到位|已完成|已解决"
    # a done deed: 施划了停车位, 拆除了违建
    r"|(?:施划|划设|设置|安装|完成|拆除|清理|清运|修复|维修|更换|增设|开展|组织|约谈|处罚|查处|下发"
    r"|召开|督促|责令|整改|疏通|硬化|铺设|回访|告知|纳入|退还|补发|发放|暂扣|没收|关停|取缔|参观"
    r"|成立|制定|拨付|签订|联系|沟通|协商|对接|进行)了"
)
# Figures: amounts, distances, counts (1500元/户, 1.1公里, 60%, 7名评委)
_FIGURES = re.compile(
    r"\d+(?:\.\d+)?(?:万|亿)?(?:元|米|公里|千米|平方米|㎡|亩|户|人|名|辆|台|处|起|次|%|吨|小时|分钟|个)"
)
# A cited document, article or file number (《…》, 第十条, 〔2016〕12号) counts as two facts.
_CITATION = re.compile(
    r"《[^》]{2,60}》|第[\d一二三四五六七八九十百零]+条|[\[〔(]\d{4}[\]〕)]\d+号|[\]〕]\d+号文"
)
_BASIS = re.compile(
    r"(?:根据|依据|按照|依照|参照|对照|遵照)[^,，。;；]{0,30}?"
    r"(?:《|规定|政策|文件|通知|办法|条例|法律|法规|标准|细则|意见|要求|精神|方案|规划|程序|原则)|"
    + _CITATION.pattern
    # a rule stated: 政策规定…可以…, 条件是…须…
    + r"|(?:政策|规定|条件|标准|制度)[^,，。;；]{0,20}?(?:可以|不能|不得|应当|应|须|不用|不予|无需)"
)
# A cause stated (由于…所以…): why things are as they are
_CAUSE = re.compile(r"因为|由于|原因|因此|所以|鉴于|导致|受[^,，。]{1,12}影响")
# What keeps a problem from being solved now or a request from being granted
_REASON = re.compile(
    _CAUSE.pattern + r"|尚未|尚不|暂未|暂不|暂时|目前|不具备|不符合|不属于|不在|无法|不能|不予"
    r"|须|需要|需经|涉及|限制|客观"
)


def _fact_clauses(reply: str) -> str:
    """The reply without its own date and the clauses that only receive or pass it on."""
    reply = _SIGNATURE.sub("", reply)
    return "，".join(c for c in _CLAUSE.findall(reply) if not _PASSING_ON.search(c))


def facts(reply_text: str, tokenizer: Tokenizer | None = None) -> dict[str, list[str]]:
    """The concrete facts of a reply, by kind (:data:`WHEN`, :data:`WHO`, :data:`WHAT`,
    :data:`WHY`, :data:`BASIS`, :data:`FIGURES`): the phrases found, outside its own date
    and outside clauses that only say the voice was received or passed on (已收悉, 已转…)."""
    return _facts(_fact_clauses(normalise(reply_text)), tokenizer or default_tokenizer())


def _facts(text: str, tokenizer: Tokenizer) -> dict[str, list[str]]:
    # segmenting is the slow part: only when no office is named the usual way
    actors = _ACTOR.findall(text) or [
        word
        for word in tokenizer.words(text)
        if (suffix := suffix_of(word))
        and SUFFIX_KIND[suffix] in _ACTOR_KINDS
        and len(word) > len(suffix) + 1
    ]
    found = {
        WHEN: _TIME_FRAME.findall(text),
        WHO: actors,
        WHAT: _ACTION.findall(text),
        WHY: _CAUSE.findall(text),
        BASIS: _BASIS.findall(text),
        FIGURES: _FIGURES.findall(text),
    }
    return {kind: phrases for kind, phrases in found.items() if phrases}


# --- boilerplate ------------------------------------------------------------------------

# The standard phrases of replies: greetings, receipts, thanks, promises and closings.
_FORMULAS = re.compile(
    r"(?:网友|市民|尊敬的)[^,，:：!！。]{0,20}?[:：,，!！]|[“\"]?[A-Z]{1,3}\d{3,}[”\"]?[:：,，]?"
    r"|(?:您|你)们?好|(?:您|你)(?:的|所)?(?:留言|来信|来邮|来电|反映的问题|所反映的问题)?(?:已)?收悉"
    r"|留言已(?:收悉|阅|收到)|(?:来信|来邮|留言)收悉|已收悉|现将(?:有关|相关)?情况(?:回复|答复|函复)如下"
    r"|现(?:作|将)?如下回复|(?:非常)?感谢(?:您|你)?(?:对[^,，。!！]{0,20}?)?的?"
    r"(?:关注|关心|支持|理解|监督|信任|来信|留言|建议|反映)(?:与|和|、)?(?:关注|关心|支持|理解|监督)?"
    r"|高度重视|认真研究|认真对待|(?:将|会)(?:认真|积极|尽快|及时)?(?:研究|调查|处理|核实|落实|跟进)"
    r"|祝(?:您|你)(?:生活愉快|工作顺利|身体健康|万事如意)|如有(?:疑问|问题|其他问题)"
    r"|欢迎(?:您)?(?:继续)?(?:监督|关注|来电|咨询)|此复|特此回复|谢谢|联系电话[:：]?[\d\-—]*"
    r"|\d{4}年\d{1,2}月\d{1,2}日"
)
_CONTENT = re.compile(rf"[{CJK}A-Za-z\d]")
_PAIR_TEXT = re.compile(rf"[{CJK}]+")
_MASK = re.compile(r"[A-Z]\d*|\d+")  # places and numbers, so that a template's copies look alike
SHINGLE = 4  #: characters per shingle for near-identical replies
HASHES = 32  #: min-hashes per reply
SKETCHED = 1000  #: characters of a reply sketched
BANDS = 8  #: bands of HASHES // BANDS hashes each, for the lookup of candidates
# Hash functions a * x + b modulo 2**64 (odd a): fixed, so a pickled history stays valid.
_random = np.random.default_rng(20201)
_A = _random.integers(0, 1 << 63, HASHES, dtype=np.uint64) * np.uint64(2) + np.uint64(1)
_B = _random.integers(0, 1 << 63, HASHES, dtype=np.uint64)
_BASE = np.uint64(0x110000)  # one more than the largest code point


def _content_length(text: str) -> int:
    return len(_CONTENT.findall(text))


def _pairs(text: str) -> set[str]:
    """The character pairs of the Chinese runs of ``text`` (for telling common reply
    phrases from specific content without segmenting)."""
    return {run[i : i + 2] for run in _PAIR_TEXT.findall(text) for i in range(len(run) - 1)}


def _sketch(text: str) -> np.ndarray:
    """Min-hashes of the character shingles of the reply's first :data:`SKETCHED`
    characters (a template shows there), places and numbers masked."""
    text = _MASK.sub("0", text[:SKETCHED])
    chars = np.frombuffer(text.encode("utf-32-le"), np.uint32).astype(np.uint64)
    if len(chars) < SHINGLE:  # a very short reply is one shingle
        chars = np.concatenate([chars, np.zeros(SHINGLE - len(chars), np.uint64)])
    # each shingle's characters as one number (modulo 2**64), then hashed HASHES ways
    shingles = np.zeros(len(chars) - SHINGLE + 1, np.uint64)
    for i in range(SHINGLE):
        shingles = shingles * _BASE + chars[i : len(chars) - SHINGLE + 1 + i]
    return (shingles[:, None] * _A[None, :] + _B[None, :]).min(axis=0)


def _bands(sketch: np.ndarray) -> list[tuple[int, bytes]]:
    rows = HASHES // BANDS
    return [(band, sketch[band * rows : (band + 1) * rows].tobytes()) for band in range(BANDS)]


@dataclass
class ReplyHistory:
    """Earlier replies (a department's, an office's) against which a draft is compared:
    how often each character pair occurs in them (common phrases are no specific content)
    and min-hash sketches to find near-identical ones.

    Build it with :meth:`fit` and keep it up to date with :meth:`add`; both take raw reply
    texts. It holds no texts, only ids, counts and sketches, and pickles.
    """

    size: int = 0
    pairs: Counter[str] = field(default_factory=Counter)
    ids: list[object] = field(default_factory=list)
    sketches: list[np.ndarray] = field(default_factory=list)
    buckets: dict[tuple[int, bytes], list[int]] = field(default_factory=dict)

    @classmethod
    def fit(cls, replies: Iterable[str | tuple[object, str]]) -> ReplyHistory:
        """A history of ``replies``: texts, or ``(id, text)`` pairs so that a warning can
        name the earlier replies a draft repeats."""
        history = cls()
        for reply in replies:
            reply_id, text = reply if isinstance(reply, tuple) else (history.size, reply)
            history.add(text, reply_id)
        return history

    def add(self, reply_text: str, reply_id: object = None) -> None:
        """Count one more (sent) reply."""
        text = normalise(reply_text)
        self.pairs.update(_pairs(text))
        index = len(self.ids)
        self.ids.append(self.size if reply_id is None else reply_id)
        sketch = _sketch(text)
        self.sketches.append(sketch)
        for key in _bands(sketch):
            self.buckets.setdefault(key, []).append(index)
        self.size += 1

    def near(self, reply_text: str) -> list[object]:
        """Ids of the earlier replies near-identical to ``reply_text`` (estimated shingle
        Jaccard at least :data:`NEAR`, places and numbers masked), most similar first."""
        return self._near(normalise(reply_text))

    def _near(self, text: str) -> list[object]:
        sketch = _sketch(text)
        candidates = {i for key in _bands(sketch) for i in self.buckets.get(key, ())}
        if not candidates:
            return []
        order = sorted(candidates)
        similarity = (np.stack([self.sketches[i] for i in order]) == sketch).mean(axis=1)
        found = sorted(
            ((s, i) for s, i in zip(similarity, order, strict=True) if s >= NEAR), reverse=True
        )
        return [self.ids[i] for _, i in found]


def specific_content(reply_text: str, history: ReplyHistory | None = None) -> str:
    """What a reply says beyond the standard phrases (and, given a history, beyond the
    phrases common to earlier replies: character pairs in more than :data:`COMMON_SHARE`
    of them)."""
    plain = _FORMULAS.sub("，", normalise(reply_text))
    return "".join(_specific_chars(plain, history))


def _specific_chars(plain: str, history: ReplyHistory | None) -> Iterator[str]:
    """The characters of a reply without its standard phrases (``plain``) that are, given a
    history, in a character pair not common to earlier replies; "，" for each one left out."""
    text = plain
    if history is None or not history.size:
        yield from text
        return
    limit = COMMON_SHARE * history.size
    count = history.pairs.get
    done = 0
    for run in _PAIR_TEXT.finditer(text):
        yield from "，" * (run.start() - done)
        chars, done = run.group(), run.end()
        before = False  # a character is specific if one of the pairs it is in is not common
        for i, char in enumerate(chars):
            after = i + 1 < len(chars) and count(chars[i : i + 2], 0) <= limit
            yield char if before or after else "，"
            before = after
    yield from "，" * (len(text) - done)


# --- the check --------------------------------------------------------------------------


def check_reply(
    voice_text: str,
    reply_text: str,
    disposition: str | None = None,
    *,
    history: ReplyHistory | None = None,
    tokenizer: Tokenizer | None = None,
) -> list[ReplyWarning]:
    """Check a draft reply to a voice before it is sent.

    Parameters
    ----------
    voice_text
        The voice (subject and body joined).
    reply_text
        The draft reply.
    disposition
        :data:`RESOLVED`, :data:`NOT_YET`, :data:`NOT_IN_POLICY`, or ``None`` while none is
        chosen (then only the checks that hold for every reply run).
    history
        Earlier replies to compare with (:class:`ReplyHistory`), e.g. the department's;
        without it boilerplate is told by the standard phrases alone.
    tokenizer
        A tokenizer that knows the deployment's learned place names.

    Returns
    -------
    list of ReplyWarning
        In the order of :data:`MESSAGES`; empty when the reply looks fine. An empty reply
        gets :data:`EMPTY` alone.
    """
    if disposition is not None and disposition not in DISPOSITIONS:
        raise ValueError(f"unknown disposition {disposition!r}; expected one of {DISPOSITIONS}")
    tokenizer = tokenizer or default_tokenizer()
    reply = normalise(reply_text)
    if not _content_length(reply):
        return [_warning(EMPTY)]
    warnings = []
    plain = _FORMULAS.sub("，", reply)
    own = _content_length(plain)
    if own < MIN_CHARS:
        warnings.append(_warning(TOO_SHORT))
    missed, share = _missed(main_points(voice_text, tokenizer), reply, tokenizer)
    if missed and share < ADDRESSED:
        warnings.append(_warning(POINTS_NOT_ADDRESSED, (p.text for p in missed)))
    text = _fact_clauses(reply)
    found = _facts(text, tokenizer)
    if len(found) + bool(_CITATION.search(text)) < FACTS:
        warnings.append(_warning(NO_FACTS, (k for k in (WHEN, WHO, WHAT, BASIS) if k not in found)))
    warnings.extend(_disposition_warnings(disposition, text, found))
    specific = (c for c in _specific_chars(plain, history) if _CONTENT.match(c))
    if sum(1 for _ in islice(specific, SPECIFIC)) < SPECIFIC:  # long replies: stop early
        warnings.append(_warning(BOILERPLATE))
    if history is not None:
        same = history._near(reply)
        if len(same) >= MANY:
            warnings.append(_warning(SAME_AS_EARLIER, map(str, same)))
    return warnings


def _disposition_warnings(
    disposition: str | None, text: str, found: dict[str, list[str]]
) -> list[ReplyWarning]:
    """What the disposition asks of a reply (its fact clauses ``text``, the facts ``found``
    in them): what was done; why and when; the basis and why."""
    if disposition == RESOLVED and WHAT not in found:
        return [_warning(NO_ACTION)]
    if disposition == NOT_YET:
        missing = [] if _REASON.search(text) else [_warning(NO_REASON)]
        if not _TIME_FRAME.search(text):
            missing.append(_warning(NO_TIME_FRAME))
        return missing
    if disposition == NOT_IN_POLICY:
        missing = [] if BASIS in found else [_warning(NO_BASIS)]
        if not _REASON.search(text):
            missing.append(_warning(NO_EXPLANATION))
        return missing
    return []
