"""What a voice is about: the place, the affected group and the kind of voice.

A hot issue is "a place or a group + a problem". These functions find the first half
and the kind of voice from the words people use, with no model to train:

- :func:`extract_place` — the most specific named place: a compound or an institution
  before a road, a road before a village, down to an area code such as "A3区";
- :func:`extract_group` — the people affected (学生, 业主, 职工 …);
- :func:`guess_kind` — complaint, help, consultation, suggestion, report or praise;
- :func:`learn_places` — names that recur across many voices, to teach the tokenizer;
- :func:`read` — all of it and the voice's tokens at once, normalising and segmenting once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import accumulate

from massline.engine.text import (
    CJK,
    KIND_RANK,
    LINE,
    NEVER_FIRST,
    PHASE,
    SUFFIX_ENDS,
    SUFFIX_KIND,
    Tokenizer,
    content_words,
    default_tokenizer,
    normalise,
    stopwords,
    suffix_of,
)

# Most specific first (KIND_RANK); an area code ("A3区", "临江市江北区") is the last resort.
_AREA = re.compile(rf"^(?:[A-Z]\d*[省市区县]|[{CJK}]{{2,4}}[省市区县])+$")
_AREA_RANK = len(KIND_RANK)
#: An area code at the start of a word: A3区, K9县 (the place names of a masked data set)
AREA_CODE = re.compile(r"^[A-Z]\d*[省市区县]")
_SUFFIXES = sorted(SUFFIX_KIND, key=len, reverse=True)

# A school's short name (二中, 县一中)
_SCHOOL_SHORT = re.compile(r"[县市区]?[一二三四五六七八九十]{1,2}中")

# Affected groups, each with the words that name it (the longest match wins); the canonical
# name comes first.
GROUPS: dict[str, tuple[str, ...]] = {
    "学生": ("学生", "小学生", "中学生", "大学生", "孩子上学", "考生", "学子"),
    "家长": ("家长", "学生家长"),
    "业主": ("业主", "房主", "购房者", "购房户", "小业主"),
    "农民工": ("农民工", "民工"),
    "职工": ("职工", "员工", "工人", "劳动者", "打工者", "退休职工", "在职职工", "工友"),
    "教师": ("教师", "老师", "代课教师", "幼师"),
    "患者": ("患者", "病人", "病患", "就诊者"),
    "司机": ("司机", "驾驶员", "出租车司机", "货车司机", "车主", "的哥"),
    "老人": ("老人", "老年人", "退休人员", "退休老人", "高龄老人", "空巢老人"),
    "村民": ("村民", "农户", "农民", "被征地农民"),
    "商户": ("商户", "商家", "个体户", "摊贩", "经营户"),
    "租户": ("租户", "租客", "承租人"),
    "居民": ("居民", "住户", "群众", "老百姓", "周边居民"),
    "残疾人": ("残疾人", "残障人士"),
    "儿童": ("儿童", "小孩", "孩子", "幼儿", "婴儿"),
}
_GROUP_OF = {w: g for g, ws in GROUPS.items() for w in ws}
_GROUP_WORDS = re.compile("|".join(sorted(map(re.escape, _GROUP_OF), key=len, reverse=True)))

# Cue words for the kind of a voice, the first two of each kind strongest. Kinds are scored,
# not matched in order: a complaint often asks a question too ("是否合法?"), so questions
# alone do not make a consultation.
KIND_CUES: dict[str, tuple[str, ...]] = {
    "report": ("举报", "检举", "揭发", "违法", "违规", "贪污", "受贿", "非法", "偷排", "私自"),
    "praise": ("表扬", "感谢信", "点赞", "称赞", "赞扬", "为民办实事", "好干部", "锦旗", "致谢"),
    "help": ("求助", "求救", "救救", "帮帮", "帮忙", "帮助", "走投无路", "无家可归", "生活困难"),
    "consultation": (
        "咨询",
        "请问",
        "想问",
        "想了解",
        "怎么办理",
        "如何办理",
        "怎么申请",
        "如何申请",
        "需要什么",
        "哪里办",
        "多久",
        "什么时候",
        "有没有",
    ),
    "suggestion": ("建议", "提议", "倡议", "希望增设", "希望增加", "能否增设", "应该增加", "呼吁"),
    "complaint": (
        "投诉",
        "不满",
        "扰民",
        "噪音",
        "拖欠",
        "乱收费",
        "不作为",
        "严重",
        "太差",
        "恶劣",
        "无人管",
        "没人管",
        "不管",
        "损害",
        "强制",
        "占用",
    ),
}
# A strong cue outweighs several weak ones: the first words of each list count double.
_WEIGHT = {cue: 2 if i < 2 else 1 for cues in KIND_CUES.values() for i, cue in enumerate(cues)}
_KIND_OF = {cue: kind for kind, cues in KIND_CUES.items() for cue in cues}
_CUES = re.compile("|".join(sorted(map(re.escape, _KIND_OF), key=len, reverse=True)))
_DEFAULT_KIND = "complaint"


def _place(words: list[str], tokenizer: Tokenizer) -> tuple[str | None, str, tuple[str, ...]]:
    """The best place among the segmented ``words`` of a normalised voice; the word before
    it if that word could tell which of several places of that name it is; and the other
    specific places of the opening sentence.

    A named place beats an area; one in the opening sentence (usually the subject, which
    says what the voice is about) beats one further on; then the more specific kind wins,
    then the first mentioned.
    """
    ranks = tokenizer.memo(_place_ranks)
    candidates = [position for position, word in enumerate(words) if ranks[word]]
    if not candidates:
        return None, "", ()
    # The opening: the words before the first sentence end, within _HEAD characters
    head_end = bisect_right(list(accumulate(map(len, words))), _HEAD)
    for end in _SENTENCE_END:
        if end in words[:head_end]:
            head_end = words.index(end, 0, head_end)
    found: list[tuple[bool, bool, int, int, str]] = []
    named = False
    for position in candidates:
        head = position < head_end
        if named and not head:
            break  # a named place in the opening beats any further on
        word = words[position]
        rank, after_area = ranks[word]
        # (东湖区) 妇幼保健院, (A3区) 人民医院: the area is its name
        if after_area != rank and position and _AREA.match(words[position - 1]):
            rank = after_area
        if rank is None:
            continue
        found.append((rank == _AREA_RANK, not head, rank, position, word))
        named = named or (head and rank != _AREA_RANK)
    if not found:
        return None, "", ()
    found.sort()
    place, before = _best(found, words, tokenizer)
    # Other spots (a compound, a school, a company, a village or community: not a road or
    # a line, which pass many places, nor a town) named in the opening
    also = tuple(
        dict.fromkeys(
            word
            for area, later, rank, _, word in found
            if not area
            and not later
            and rank in _SPOTS
            and word != place
            and not is_generic(word, tokenizer)
        )
    )[:3]
    return place, before, also


def _place_ranks(word: str, tokenizer: Tokenizer) -> tuple[int | None, int | None] | None:
    """How specific a place ``word`` names (:data:`KIND_RANK`; -1 for a learned name,
    :data:`_AREA_RANK` for an area), on its own and after an area; None if neither."""
    if word in tokenizer.places:
        return -1, -1
    last = word[-1]
    if last not in _PLACE_ENDS:  # most words
        return None
    suffix = suffix_of(word)
    if suffix and len(word) > len(suffix) and not tokenizer.is_common(word):
        rank = KIND_RANK[SUFFIX_KIND[suffix]]
        return rank, rank
    if last == "期" and len(word) > 3 and PHASE.search(word):
        rank = KIND_RANK["compound"]  # 东方水岸明珠6期
    elif last == "中" and _SCHOOL_SHORT.fullmatch(word):
        rank = KIND_RANK["institution"]  # (K9县) 二中
    elif last in _LINE_ENDS and LINE.fullmatch(word):
        rank = KIND_RANK["road"]
    elif last in _AREA_ENDS and _AREA.match(word):
        rank = _AREA_RANK
    else:
        rank = None
    institution = suffix is not None and SUFFIX_KIND[suffix] == "institution"
    after_area = KIND_RANK["institution"] if institution else rank
    return None if rank is None and after_area is None else (rank, after_area)


def _best(found, words: list[str], tokenizer: Tokenizer) -> tuple[str, str]:
    # A generic name (配套幼儿园, 规划项目) with nothing telling which one is hardly a
    # place: a specific one further on is better.
    for *_, position, word in found:
        name = _qualified(words, position, tokenizer)
        if name != word:
            return name, ""
        if not is_generic(word, tokenizer):
            return name, _before(words, position, tokenizer)
    return found[0][-1], ""


def _before(words: list[str], position: int, tokenizer: Tokenizer) -> str:
    """The word before a place name if it could be the start of a longer name (吉祥 in
    吉祥母婴店), for names the corpus shows to be shared (see massline.engine.hotissues)."""
    if position and _is_qualifier(words[position - 1], tokenizer, everyday=True):
        return words[position - 1]
    return ""


def _qualified(words: list[str], position: int, tokenizer: Tokenizer) -> str:
    """A generic name (环保科技有限公司, 中医院, 家庄村, 电器商行) with the word before it
    that tells which one (远航, 西山区, 向, 百家) — when there is such a word: many places
    share a generic name, and one problem at two of them is two issues."""
    word = words[position]
    if position == 0 or not is_generic(word, tokenizer):
        return word
    before = words[position - 1]
    if before in _AREA_ENDS and position > 1:  # 西山 区 中医院: the area, cut in two
        before = words[position - 2] + before
    if _AREA.match(before) or _is_qualifier(before, tokenizer):
        return before + word
    # K7县人民反对拆除五一桥: the area the sentence names, a few words before
    for earlier in reversed(words[max(0, position - _AREA_REACH) : position - 1]):
        if earlier in _SENTENCE_END:
            break
        if AREA_CODE.fullmatch(earlier):
            return earlier + word
    return word


_AREA_ENDS = frozenset("省市区县")
_LINE_ENDS = frozenset("线路车交士")
_PLACE_ENDS = SUFFIX_ENDS | _AREA_ENDS | _LINE_ENDS | {"期", "中"}
_AREA_REACH = 8  # words
_SPOTS = {-1} | {KIND_RANK[kind] for kind in ("compound", "institution", "village")}


def is_generic(word: str, tokenizer: Tokenizer | None = None) -> bool:
    """Whether a place name is only common words before its suffix (环保科技 有限公司,
    中 医院, 家庄 村), not a name of its own (云栖 雅苑, 春晓 公寓 are names: a 春晓 is
    rare enough)."""
    tokenizer = tokenizer or default_tokenizer()
    return tokenizer.memo(_is_generic)[word]  # the same names come again and again


def _is_generic(word: str, tokenizer: Tokenizer) -> bool:
    if _SCHOOL_SHORT.fullmatch(word):
        return True  # every county has its 二中
    suffix = suffix_of(word)
    if not suffix or word in tokenizer.places:
        return False
    stem = word[: -len(suffix)]
    return len(stem) <= 1 or all(
        tokenizer.is_common(part) and tokenizer.is_word(part, _GENERIC)
        for part in tokenizer.words(stem)
    )


def _is_qualifier(word: str, tokenizer: Tokenizer, everyday: bool = False) -> bool:
    """Whether ``word`` can be the distinctive part before a generic name: a short Chinese
    word, not a stop word, a pronoun, a common verb (投诉, 反映 远航物流 …), a localiser
    (附近) or, unless ``everyday``, an everyday word (商业, 配套; but 吉祥 in 吉祥母婴店
    is one too: where the corpus shows a name shared, everyday words can tell them apart)."""
    return (
        bool(_CJK_WORD.fullmatch(word))
        and len(word) <= 4
        and word not in stopwords()
        and word not in SUFFIX_KIND
        and word[0] not in NEVER_FIRST
        and not (
            # a verb (or, unless everyday, a verb used as a noun: 建设) people use every day
            (tokenizer.tag(word) == "v" or (tokenizer.tag(word) == "vn" and not everyday))
            and tokenizer.is_word(word, _COMMON_VERB)
        )
        and not tokenizer.tag(word).startswith("f")  # 附近, 周边, 沿江: where, not which
        and (everyday or not (tokenizer.is_common(word) and tokenizer.is_word(word, _COMMON_WORD)))
    )


# A word this frequent in jieba's dictionary is common: 环保 and 电器 are, 春晓 is not.
_GENERIC = 100
# A verb this frequent is what people do, not a name: 投诉, 反映, 举报 (远航, 联创 are names).
_COMMON_VERB = 500
# A word this frequent is everyday language, not a name: 商业, 配套, 市区.
_COMMON_WORD = 1000
_CJK_WORD = re.compile(rf"[{CJK}]+")


# The opening: up to the first sentence end, and no further than this many characters.
_HEAD = 80
_SENTENCE_END = set("。！？!?")
_HEAD_TEXT = re.compile(rf".{{0,{_HEAD}}}?[。！？!?]|.{{0,{_HEAD}}}", re.DOTALL)


def extract_place(text: str, tokenizer: Tokenizer | None = None) -> str | None:
    """The place a voice is about, most specific first.

    Parameters
    ----------
    text
        The voice (subject and body joined works best: the subject names the place).
    tokenizer
        A tokenizer that knows learned place names; the default one otherwise.

    Returns
    -------
    str or None
        A named place rather than an area ("A3区", only when nothing else is named);
        one in the opening sentence rather than further on; then a learned place name,
        a compound, estate or institution (小区, 花园, 学校, 医院, 公司 …), a road, a village
        or community, a street or town, an office (…局, …委员会), in that order; the first
        mentioned among equals. ``None`` if the text names no place.
    """
    tokenizer = tokenizer or default_tokenizer()
    return _place(tokenizer.words(normalise(text)), tokenizer)[0]


def extract_group(text: str) -> str | None:
    """The group of people a voice speaks for or about.

    Returns
    -------
    str or None
        A canonical group name from :data:`GROUPS` (学生, 业主, 职工, 患者, 司机 …): the
        group named most often, the first named on a tie; ``None`` if no group is named.
    """
    return _group(normalise(text))


def _group(clean: str) -> str | None:
    counts = Counter(_GROUP_OF[m] for m in _GROUP_WORDS.findall(clean))
    return counts.most_common(1)[0][0] if counts else None


def guess_kind(text: str) -> str:
    """The kind of voice, from its cue words.

    Returns
    -------
    str
        One of ``complaint``, ``help``, ``consultation``, ``suggestion``, ``report``,
        ``praise`` (the values of ``Voice.Kind``): the kind whose cue words weigh most,
        cues in the opening sentence three times as much as later ones; a voice with no
        cue is a complaint, the most common kind.
    """
    return _kind(normalise(text))


def _kind(clean: str) -> str:
    head = _HEAD_TEXT.match(clean).group()  # the subject or opening: what the voice is
    scores = Counter({kind: 0 for kind in KIND_CUES})
    for weight, part in ((2, head), (1, clean)):  # the head is in both: three times in all
        for cue in _CUES.findall(part):
            scores[_KIND_OF[cue]] += weight * _WEIGHT[cue]
    kind, score = max(scores.items(), key=lambda item: item[1])
    return kind if score else _DEFAULT_KIND


@dataclass(frozen=True, slots=True)
class Reading:
    """What the engine reads in one voice."""

    text: str  #: normalised
    tokens: list[str]  #: as :func:`massline.engine.text.tokens` gives them
    place: str | None  #: as :func:`extract_place`
    group: str | None  #: as :func:`extract_group`
    kind: str  #: as :func:`guess_kind`
    before: str = ""  #: the word before the place, if it could tell which place of that name
    also: tuple[str, ...] = ()  #: other specific places named in the opening sentence


def read(text: str, tokenizer: Tokenizer | None = None) -> Reading:
    """Normalise and segment a voice once, and read its tokens, place, group and kind.

    Parameters
    ----------
    text
        The raw voice (subject and body joined works best).
    tokenizer
        A tokenizer that knows learned place names; the default one otherwise.
    """
    tokenizer = tokenizer or default_tokenizer()
    clean = normalise(text)
    words = tokenizer.words(clean)
    place, before, also = _place(words, tokenizer)
    return Reading(
        text=clean,
        tokens=content_words(words),
        place=place,
        group=_group(clean),
        kind=_kind(clean),
        before=before,
        also=also,
    )


# Characters that do not begin a name: a name starts after them ("的翠湖花园", "住翠湖花园").
_LEFT_STOP = set(
    "的在于是了个该这那我你他她们到从对把被让给往向和与及或住位市县区省一几两每各某级条号栋楼"
)
_CJK_CHAR = re.compile(rf"[{CJK}]")
# A one-character suffix that makes a common word with the character before it is no name's
# end: 农村, 马路, 道路 (but 六路 in 东六路 is rare enough to be a name).
_COMMON = 500


def learn_places(
    texts: Iterable[str],
    *,
    min_texts: int = 3,
    max_length: int = 10,
    tokenizer: Tokenizer | None = None,
) -> list[str]:
    """Place names that recur across many voices.

    Every place suffix (小区, 花园, 学校, 路 …) in every text is read leftwards one character
    at a time to list the names that could end there. A name is kept when it is in at
    least ``min_texts`` texts; when in most of them it stands on its own, after a
    punctuation mark, an area code or a word such as 的, 在, 住 (so "湖花园", always after
    翠, and "家冲村", after 罗, 王, 李 …, are pieces, not names); when it is not a common
    word or made of verbs ("高速公路", "请问教育局"); and when its stem, if a word of its
    own, is mostly followed by its suffix, so that generic words such as "物业公司" (物业 is
    everywhere on its own) are not taken for names.

    Parameters
    ----------
    texts
        Voices as raw text (each is normalised here). A sample of a few thousand recent
        voices is enough: names that matter recur.
    min_texts
        A name must appear in at least this many distinct texts.
    max_length
        The longest name considered, suffix included.
    tokenizer
        Whose dictionary tells common words ("高速公路", "农村") from names; the default one
        otherwise.

    Returns
    -------
    list of str
        The learned names, most widely shared first; pass them to
        :meth:`massline.engine.text.Tokenizer.add_words`.
    """
    texts = [normalise(text) for text in texts]
    seen: Counter[str] = Counter()
    alone: Counter[str] = Counter()
    for text in texts:
        names = _name_candidates(text, max_length)
        seen.update(names)
        alone.update(name for name, on_its_own in names.items() if on_its_own)
    tokenizer = tokenizer or default_tokenizer()
    corpus = "\n".join(texts)
    learned = []
    for name, count in seen.items():
        suffix = suffix_of(name) or ""
        stem = name[: -len(suffix)]
        if (
            count >= min_texts
            and len(stem) >= 2
            and alone[name] >= 0.5 * count
            and not tokenizer.is_word(name)
            and not (len(suffix) == 1 and tokenizer.is_word(name[-2:], _COMMON))
            and tokenizer.is_name(stem)
            # a stem that is a word of its own (物业, 公办) must mostly come with its suffix
            and not (tokenizer.is_word(stem) and corpus.count(name) < 0.5 * corpus.count(stem))
        ):
            learned.append(name)
    return sorted(learned, key=lambda name: (-seen[name], name))


_SUFFIX = re.compile("|".join(map(re.escape, _SUFFIXES)))


def _name_candidates(text: str, max_length: int) -> dict[str, bool]:
    """Each string of Chinese characters ending with a place suffix in ``text``, and
    whether it ever stands on its own there (nothing name-like just before it)."""
    names: dict[str, bool] = {}
    for match in _SUFFIX.finditer(text):
        end = match.end()
        for left in range(match.start() - 1, max(end - max_length, 0) - 1, -1):
            if not _is_name_char(text[left]):
                break
            on_its_own = left == 0 or not _is_name_char(text[left - 1])
            names[text[left:end]] = names.get(text[left:end], False) or on_its_own
    return names


def _is_name_char(char: str) -> bool:
    return bool(_CJK_CHAR.match(char)) and char not in _LEFT_STOP
