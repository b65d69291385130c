"""What the people of the fictional city say: a year of voices, streamed.

Voices come day by day in time order, with the rhythm of a real hotline (busy Mondays,
quiet weekends and holidays, a summer peak). Hidden among them are the things a good
system should notice: repeat callers and hot issues (many people, one place, one
problem, within days), each hot voice labelled with ``hot_issue`` as ground truth.
"""

import heapq
import itertools
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from zoneinfo import ZoneInfo

from massline.synthetic import lexicon
from massline.synthetic.city import STREET_OFFICE, City, Leaf, Place, generate_city

TZ = ZoneInfo("Asia/Shanghai")

WEEKDAY_FACTOR = (1.15, 1.08, 1.05, 1.03, 1.0, 0.7, 0.65)
MONTH_FACTOR = (0.9, 0.8, 1.0, 1.0, 1.05, 1.15, 1.25, 1.25, 1.05, 0.95, 0.95, 0.95)
SPRING_FESTIVAL = {
    2024: date(2024, 2, 10),
    2025: date(2025, 1, 29),
    2026: date(2026, 2, 17),
    2027: date(2027, 2, 6),
    2028: date(2028, 1, 26),
}
# Hour-of-day weights: the hotline answers all day and night, web voices peak in the evening,
# and letters, visits and reports are handled in office hours.
HOURS = {
    "hotline": (1, 1, 1, 1, 1, 1, 2, 4, 8, 12, 12, 10, 6, 7, 10, 11, 10, 8, 6, 5, 5, 4, 3, 2),
    "online": (2, 1, 1, 1, 1, 1, 1, 2, 4, 6, 6, 6, 8, 7, 6, 6, 6, 6, 7, 8, 10, 10, 8, 4),
    "office": (0, 0, 0, 0, 0, 0, 0, 0, 3, 8, 9, 6, 0, 0, 6, 8, 7, 2, 0, 0, 0, 0, 0, 0),
}
OFFICE_CHANNELS = {"letter", "visit", "field_visit", "representative", "survey"}
ONLINE_CHANNELS = {"web", "mobile", "email"}
REPEATS = (2, 2, 2, 2, 2, 2, 3, 3, 3, 4, 4, 5, 6)  # calls by a repeat caller, in all
REPEAT_SHARE = 0.05
ANONYMOUS_SHARE = {"report": 0.45, "letter": 0.25}  # by kind or channel; others 0.06


@dataclass(slots=True)
class SyntheticVoice:
    subject: str
    body: str
    channel: str  # a Voice.Channel value
    kind: str  # a Voice.Kind value
    received_at: datetime
    happened_at: datetime | None
    place: str
    area_code: str
    category: tuple[str, ...]
    department_code: str
    name: str
    phone: str
    address: str
    likes: int
    dislikes: int
    external_id: str
    hot_issue: str | None


@dataclass(slots=True)
class _Person:
    name: str
    phone: str
    address: str
    home: Place


@dataclass(slots=True)
class _Hot:
    label: str
    leaf: Leaf
    place: Place
    building: str
    wordings: tuple[str, ...]


def _weighted(pairs) -> list:
    """A list in which each item appears as often as its integer weight: ``choice`` is weighted."""
    return [item for item, weight in pairs for _ in range(weight)]


class _Slots(dict):
    """Values for a phrase's {slots}, drawn only when the phrase uses them."""

    def __init__(self, gen: "_Generator", **known):
        super().__init__(known)
        self.gen = gen

    def __missing__(self, key: str) -> str:
        value = self[key] = self.gen.fill(key, self)
        return value


class _Generator:
    def __init__(self, city: City, seed: int, start: date, days: int):
        self.city, self.start, self.days = city, start, days
        self.rng = rng = random.Random(f"massline-voices-{seed}")
        self.pick, self.random, self.randint = rng.choice, rng.random, rng.randint
        self.people = 0
        self.tickets = itertools.count()  # orders follow-ups due on the same day
        self.phone_offset = rng.randrange(10**8)

        areas = {area.code: area for area in city.areas}
        self.street_of: dict[str, str] = {}
        self.district_of: dict[str, str] = {}
        self.prefix: dict[str, str] = {}  # a place's address: district, street, place
        homes: dict[str, list[Place]] = {}
        for place in city.places:
            street = areas[areas[place.area_code].parent_code]
            district = areas[street.parent_code]
            self.street_of[place.name] = street.code
            self.district_of[place.name] = district.code
            self.prefix[place.name] = district.name + street.name + place.name
            if place.kind in ("compound", "village"):
                homes.setdefault(street.code, []).append(place)
        self.homes = homes
        self.places = {
            kind: [p for p in city.places if p.kind == kind] for kind in lexicon.PLACE_KINDS
        }
        self.departments = {d.code: d for d in city.departments}

        self.leaves_by_month = [
            _weighted(
                (leaf, leaf.weight * (3 if month in leaf.months else 1 if leaf.months else 2))
                for leaf in city.leaves
            )
            for month in range(1, 13)
        ]
        self.kinds_by_top = {
            top: _weighted(
                (kind, round(weight * lexicon.KIND_BIAS.get(top, {}).get(kind, 1)))
                for kind, weight in lexicon.KIND_WEIGHTS.items()
            )
            for top in {leaf.path[0] for leaf in city.leaves}
        }
        self.details = {
            kind: lexicon.DETAILS
            + lexicon.NEIGHBOURHOOD_DETAILS * (kind in lexicon.NEIGHBOURHOOD_KINDS)
            for kind in lexicon.PLACE_KINDS
        }
        self.channels = _weighted(lexicon.CHANNELS)
        self.hours = {key: _weighted(enumerate(weights)) for key, weights in HOURS.items()}

    # ---- small draws -------------------------------------------------------------

    def fill(self, key: str, slots: _Slots) -> str:
        r, pick = self.randint, self.pick
        match key:
            case "b":
                return f"{r(1, 32)}栋"
            case "f":
                return f"{r(2, 33)}楼"
            case "n":
                return str(r(2, 9))
            case "m":
                return f"{r(3, 300) * 100}元"
            case "d":
                return pick(lexicon.DURATIONS)
            case "t":
                return pick(lexicon.TIMES)
            case "w":
                return pick(lexicon.WHENS)
            case "who":
                return pick(lexicon.WHOS)
            case "h":
                return pick(lexicon.HOUSEHOLDS)
            case "mo":
                return str(max(1, slots["month"] - r(0, 4)))
        raise KeyError(key)

    def person(
        self, home: Place, channel: str, kind: str, building: str = "", named: bool = False
    ) -> _Person | None:
        """A new person living at ``home``, or None when they give no name or number."""
        if not named and self.random() < ANONYMOUS_SHARE.get(
            kind, ANONYMOUS_SHARE.get(channel, 0.06)
        ):
            return None
        self.people += 1
        pick, r = self.pick, self.randint
        male = self.random() < 0.5
        surname = pick(lexicon.SURNAMES)
        if channel == "hotline" and self.random() < 0.15:
            name = surname + ("先生" if male else "女士")  # callers often give only this
        else:
            name = surname + pick(lexicon.GIVEN_MALE if male else lexicon.GIVEN_FEMALE)
        # Eight digits from a bijection of the person's number: never two people, one phone.
        digits = (self.people * 48271 + self.phone_offset) % 10**8
        phone = f"{lexicon.MOBILE_PREFIXES[self.people % len(lexicon.MOBILE_PREFIXES)]}{digits:08d}"
        if home.kind == "village":
            address = f"{self.prefix[home.name]}{r(1, 12)}组{r(1, 80)}号"
        else:
            building = building or f"{r(1, 32)}栋"
            address = f"{self.prefix[home.name]}{building}{r(1, 4)}单元{r(1, 33)}{r(1, 4):02d}室"
        return _Person(name, phone, address, home)

    def home_near(self, place: Place) -> Place:
        if place.kind in ("compound", "village") and self.random() < 0.85:
            return place
        return self.pick(self.homes[self.street_of[place.name]])

    def department(self, leaf: Leaf, place: Place) -> str:
        """Who answers: mostly the district's bureau, else the street office or the city's."""
        r = self.random()
        if r < 0.65:
            return f"{self.district_of[place.name]}-{leaf.bureau}"
        if r < 0.9:
            return f"{self.street_of[place.name]}-{STREET_OFFICE}"
        return f"{self.city.code}-{leaf.bureau}"

    def moment(self, day: date, channel: str) -> datetime:
        key = (
            "office"
            if channel in OFFICE_CHANNELS
            else "online"
            if channel in ONLINE_CHANNELS
            else "hotline"
        )
        r = self.randint
        return datetime(
            day.year, day.month, day.day, self.pick(self.hours[key]), r(0, 59), r(0, 59), tzinfo=TZ
        )

    def channel(self, day: date) -> str:
        channel = self.pick(self.channels)
        if day.weekday() >= 5 and channel in OFFICE_CHANNELS:
            return "hotline"  # offices are closed at weekends
        return channel

    # ---- one voice -----------------------------------------------------------------

    def voice(
        self,
        day: date,
        leaf: Leaf,
        place: Place,
        person: _Person | None,
        channel: str,
        kind: str,
        problem: str,
        *,
        hot: _Hot | None = None,
        first_call: date | None = None,
    ) -> SyntheticVoice:
        pick, rnd = self.pick, self.random
        received = self.moment(day, channel)
        department = self.department(leaf, place)
        slots = _Slots(
            self,
            p=place.name,
            leaf=leaf.path[2],
            month=day.month,
            home=person.home.name if person else "附近",
            dept=self.departments[department].name,
        )
        if hot:
            slots["b"] = hot.building

        parts = [pick(lexicon.OPENINGS[channel])]
        if first_call:
            parts.append(
                pick(lexicon.REPEAT_OPENINGS).replace(
                    "{when}", f"{first_call.month}月{first_call.day}日" if rnd() < 0.5 else "上次"
                )
            )
        if kind == "praise":
            parts.append("前段时间反映{p}{leaf}的问题，{dept}的工作人员很快就来处理了，态度很好。")
        else:
            lead = {"consultation": "我想咨询一下，", "report": "我要举报，"}.get(kind, "")
            parts.append(f"{lead}{problem}。")
            details = 1 + (rnd() < 0.35) + 2 * (channel in ("letter", "email"))
            parts.extend(self.rng.sample(self.details[place.kind], details))
            if rnd() < 0.6:
                parts.append(pick(lexicon.IMPACTS[place.kind]))
        parts.append(pick(lexicon.REQUESTS[kind]))
        if channel == "letter":
            parts.append("此致敬礼！")
        elif kind != "praise" and rnd() < 0.25:
            parts.append(pick(lexicon.CLOSINGS))
        body = "".join(parts).format_map(slots)
        if len(body) < 40:  # short calls still say a little more
            body += pick(lexicon.PADDING)
        subject = pick(lexicon.SUBJECTS[kind]).format_map(slots)

        happened = None
        if kind in ("complaint", "report", "help") and rnd() < 0.35:
            happened = received - timedelta(hours=self.randint(1, 24 * 20))
        likes = dislikes = 0
        if channel in lexicon.MESSAGE_BOARDS:
            likes = int(rnd() ** 3 * (300 if hot else 40))
            dislikes = int(rnd() ** 4 * 8)
        return SyntheticVoice(
            subject=subject,
            body=body,
            channel=channel,
            kind=kind,
            received_at=received,
            happened_at=happened,
            place=place.name,
            area_code=place.area_code,
            category=leaf.path,
            department_code=department,
            name=person.name if person else "",
            phone=person.phone if person else "",
            address=person.address if person else "",
            likes=likes,
            dislikes=dislikes,
            external_id="",
            hot_issue=hot.label if hot else None,
        )

    def fresh(self, day: date, follow_ups: list) -> SyntheticVoice:
        leaf = self.pick(self.leaves_by_month[day.month - 1])
        place = self.pick(self.places[leaf.place_kind])
        channel = self.channel(day)
        kind = self.pick(self.kinds_by_top[leaf.path[0]])
        person = self.person(self.home_near(place), channel, kind)
        problem = self.pick(leaf.problems)
        if person and kind in ("complaint", "help") and self.random() < REPEAT_SHARE:
            # A repeat caller: the same problem again, weeks apart, until they give up.
            later = day
            for _ in range(self.pick(REPEATS) - 1):
                later += timedelta(days=self.randint(10, 40))
                heapq.heappush(
                    follow_ups,
                    (later, next(self.tickets), (leaf, place, person, kind, problem, day)),
                )
        return self.voice(day, leaf, place, person, channel, kind, problem)

    # ---- the year ------------------------------------------------------------------

    def hot_issues(self, n: int) -> dict[date, list[_Hot]]:
        """Plan the hot issues: who speaks on which day. Fewer and smaller for small runs."""
        plan: dict[date, list[_Hot]] = {}
        budget, used = n // 3, set()
        for label, path, kind, size, span, month, wordings in (
            lexicon.SHARP_ISSUES + lexicon.HOT_ISSUES
        ):
            if size > 12 and n < 20000:
                size = max(12, round(size * n / 20000))
            if size > budget:
                break
            budget -= size
            leaf = next(leaf for leaf in self.city.leaves if leaf.path == path)
            place = self.pick([p for p in self.places[kind] if p.name not in used])
            used.add(place.name)
            building = f"{self.randint(1, 24)}栋"
            hot = _Hot(label.format(p=place.name, b=building), leaf, place, building, wordings)
            span = min(span, self.days)
            first = self.randint(0, self.days - span)
            if month:  # in its season, when the year being generated has it
                season = date(self.start.year + (month < self.start.month), month, 1)
                offset = (season - self.start).days + self.randint(0, 14)
                if offset + span <= self.days:
                    first = offset
            for _ in range(size):
                offset = first + int(self.rng.triangular(0, span, span * 0.25))
                plan.setdefault(self.start + timedelta(days=min(offset, self.days - 1)), []).append(
                    hot
                )
        return plan

    def hot_voice(self, day: date, hot: _Hot) -> SyntheticVoice:
        channel = self.channel(day)
        kind = "complaint" if self.random() < 0.7 else "help"
        # People caught in a hot issue want an answer, so they leave their name and number.
        if hot.place.kind == "compound":  # they live in the building in question
            person = self.person(hot.place, channel, kind, hot.building, named=True)
        else:
            person = self.person(self.home_near(hot.place), channel, kind, named=True)
        return self.voice(
            day, hot.leaf, hot.place, person, channel, kind, self.pick(hot.wordings), hot=hot
        )

    def run(self, n: int) -> Iterator[SyntheticVoice]:
        days = [self.start + timedelta(days=i) for i in range(self.days)]
        weights = [
            WEEKDAY_FACTOR[d.weekday()] * MONTH_FACTOR[d.month - 1] * _holiday(d) for d in days
        ]
        total = sum(weights)
        targets = [round(n * w / total) for w in accumulate(weights)]
        hot_plan = self.hot_issues(n)
        follow_ups: list = []
        produced = 0
        for day, target in zip(days, targets, strict=True):
            todays = [self.hot_voice(day, hot) for hot in hot_plan.get(day, ())]
            while follow_ups and follow_ups[0][0] <= day:
                leaf, place, person, kind, problem, first = heapq.heappop(follow_ups)[2]
                channel = "hotline" if self.random() < 0.7 else self.channel(day)
                todays.append(
                    self.voice(day, leaf, place, person, channel, kind, problem, first_call=first)
                )
            while produced + len(todays) < target:
                todays.append(self.fresh(day, follow_ups))
            todays.sort(key=lambda voice: voice.received_at)
            for seq, voice in enumerate(todays[: n - produced], 1):
                voice.external_id = f"LJ{day:%Y%m%d}{seq:06d}"
                yield voice
            produced = min(n, produced + len(todays))
            if produced >= n:
                return


def _holiday(day: date) -> float:
    """Fewer voices in the Spring Festival week, the May and October holidays and New Year."""
    festival = SPRING_FESTIVAL.get(day.year)
    if festival and timedelta(days=-1) <= day - festival <= timedelta(days=6):
        return 0.5
    if (day.month, day.day) == (1, 1) or (day.month == 5 and day.day <= 5):
        return 0.7
    if day.month == 10 and day.day <= 7:
        return 0.6
    return 1.0


def generate_voices(
    n: int,
    *,
    seed: int = 0,
    start: date = date(2025, 1, 1),
    days: int = 365,
    city: City | None = None,
) -> Iterator[SyntheticVoice]:
    """``n`` voices of the people of ``city`` (the seed's city by default), in time order.

    Deterministic for a seed; streamed, so a million voices need no more memory than ten.
    """
    return _Generator(city or generate_city(seed), seed, start, days).run(n)
