"""The fictional city as plain data: its areas, named places, departments and taxonomy."""

import random
from dataclasses import dataclass, field
from functools import cache, partial

from massline.synthetic import lexicon

# Area levels and department tiers, as in massline.org.models (kept as plain ints here so
# this package needs no Django).
CITY, DISTRICT, STREET, COMMUNITY = 1, 2, 3, 4
TIER_CITY, TIER_DISTRICT, TIER_STREET = 1, 2, 3
STREET_OFFICE = "JD"


@dataclass(frozen=True, slots=True)
class Area:
    code: str
    name: str
    level: int
    parent_code: str | None


@dataclass(frozen=True, slots=True)
class Place:
    """A named place where things happen: a compound, a road, a school…"""

    name: str
    kind: str  # one of lexicon.PLACE_KINDS
    area_code: str  # the community or village it lies in


@dataclass(frozen=True, slots=True)
class Department:
    code: str
    name: str
    tier: int
    area_codes: tuple[str, ...]
    categories: tuple[str, ...]  # the top categories it answers for
    phone: str


@dataclass(frozen=True, slots=True)
class Leaf:
    """A third-level category with what the generator needs to write about it."""

    path: tuple[str, str, str]
    bureau: str  # a key of lexicon.BUREAUS
    place_kind: str
    weight: int
    months: frozenset[int]  # in season; empty for all year
    problems: tuple[str, ...]


@dataclass
class City:
    name: str
    code: str
    areas: list[Area]  # parents before children
    places: list[Place]
    departments: list[Department]
    categories: list[tuple[str, ...]]  # every taxonomy node as its path, parents first
    leaves: list[Leaf]
    _areas: dict[str, Area] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._areas = {area.code: area for area in self.areas}

    def area(self, code: str) -> Area:
        return self._areas[code]

    def lineage(self, code: str) -> list[Area]:
        """The area and its ancestors, the city first."""
        chain = []
        area: Area | None = self._areas[code]
        while area:
            chain.append(area)
            area = self._areas.get(area.parent_code) if area.parent_code else None
        return chain[::-1]


@cache
def taxonomy() -> tuple[Leaf, ...]:
    """massline's default taxonomy, parsed from the outline in ``lexicon.TAXONOMY``."""
    rows: list[tuple] = []
    top = second = bureau = ""
    for line in lexicon.TAXONOMY.strip("\n").splitlines():
        depth, words = (len(line) - len(line.lstrip(" "))) // 2, line.split()
        if depth == 0:
            top = words[0]
        elif depth == 1:
            second, bureau = words
        elif depth == 2:
            name, kind, weight, *season = words
            months = frozenset()
            if season:
                first, last = map(int, season[0].split("-"))
                months = frozenset(range(first, last + 1))
            rows.append(((top, second, name), bureau, kind, int(weight), months, []))
        else:
            # Every wording names its place, so a reader knows where it happened.
            problem = line.strip()
            rows[-1][-1].append(problem if "{p}" in problem else "{p}" + problem)
    return tuple(Leaf(*row[:-1], tuple(row[-1])) for row in rows)


def default_taxonomy() -> list[tuple[str, ...]]:
    """Every node of the default taxonomy as a path of names, parents before children."""
    paths: dict[tuple[str, ...], None] = {}
    for leaf in taxonomy():
        for depth in (1, 2, 3):
            paths[leaf.path[:depth]] = None
    return list(paths)


class _Names:
    """Draws place names, never the same name twice in the city."""

    def __init__(self, rng: random.Random):
        self.rng, self.taken = rng, set()

    def draw(self, make) -> str:
        for _ in range(40):
            name = make()
            if name not in self.taken:
                break
        else:  # the vocabulary is exhausted for this form: number the duplicates
            base, i = name, 2
            while (name := f"{base}{i}区") in self.taken:
                i += 1
        self.taken.add(name)
        return name


def generate_city(seed: int = 0) -> City:
    """A fictional Chinese city: districts, streets, communities, places, departments.

    The same seed always gives the same city.
    """
    rng = random.Random(f"massline-city-{seed}")
    pick, names = rng.choice, _Names(rng)
    city_name, city_code = lexicon.CITY
    areas = [Area(city_code, city_name, CITY, None)]
    places: list[Place] = []
    street_roots = rng.sample(lexicon.STREET_ROOTS, len(lexicon.STREET_ROOTS))
    town_roots = rng.sample(lexicon.TOWN_ROOTS, len(lexicon.TOWN_ROOTS))

    streets: list[tuple[Area, Area]] = []  # (district, street)
    for i, (district_name, count) in enumerate(lexicon.DISTRICTS, 1):
        district = Area(f"{city_code}{i:02d}", district_name, DISTRICT, city_code)
        areas.append(district)
        county = district_name.endswith("县")
        for j in range(1, count + 1):
            # A county's seat is a street or two; the rest of it is towns with villages.
            is_town = county and j > 2
            name = town_roots.pop() + "镇" if is_town else street_roots.pop() + "街道"
            street = Area(f"{district.code}{j:02d}", name, STREET, district.code)
            areas.append(street)
            streets.append((district, street))
            communities = _communities(rng, names, street, is_town)
            areas.extend(communities)
            for community in communities:
                if community.name.endswith("村"):
                    places.append(Place(community.name, "village", community.code))
                else:
                    for _ in range(rng.randint(*lexicon.COMPOUNDS_PER_COMMUNITY)):
                        name = names.draw(
                            lambda: pick(lexicon.COMPOUND_ROOTS) + pick(lexicon.COMPOUND_SUFFIXES)
                        )
                        places.append(Place(name, "compound", community.code))
            for kind, (low, high) in lexicon.PLACES_PER_STREET.items():
                for _ in range(rng.randint(low, high)):
                    name = names.draw(partial(_place_name, rng, kind, district, street))
                    places.append(Place(name, kind, pick(communities).code))

    return City(
        name=city_name,
        code=city_code,
        areas=areas,
        places=places,
        departments=_departments(rng, city_name, city_code, streets),
        categories=default_taxonomy(),
        leaves=list(taxonomy()),
    )


def _communities(rng: random.Random, names: _Names, street: Area, is_town: bool) -> list[Area]:
    pick = rng.choice
    count = rng.randint(4, 7) if is_town else rng.randint(3, 5)
    communities = []
    for k in range(1, count + 1):
        if is_town and k > 1:  # a town has one 社区 around its centre, the rest are villages
            name = names.draw(partial(_village_name, rng))
        else:
            name = names.draw(
                lambda: pick(lexicon.COMMUNITY_FIRST) + pick(lexicon.COMMUNITY_SECOND) + "社区"
            )
        communities.append(Area(f"{street.code}{k:03d}", name, COMMUNITY, street.code))
    return communities


def _village_name(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(lexicon.VILLAGE_ROOTS) + "村"
    return rng.choice(lexicon.SURNAMES) + rng.choice(lexicon.VILLAGE_SUFFIXES) + "村"  # 罗家湾村


def _place_name(rng: random.Random, kind: str, district: Area, street: Area) -> str:
    pick = rng.choice
    street_root = street.name.removesuffix("街道").removesuffix("镇")
    if kind == "road":
        return pick(lexicon.ROAD_ROOTS) + pick(lexicon.ROAD_SUFFIXES)
    if kind == "company":
        return (
            pick(("临江", ""))
            + pick(lexicon.COMPANY_ROOTS)
            + pick(lexicon.COMPANY_TRADES)
            + "有限公司"
        )
    shop_roots = (*lexicon.SHOP_ROOTS, street_root)
    forms, roots = {
        "school": (lexicon.SCHOOL_FORMS, (street_root, *lexicon.ROAD_ROOTS[:20])),
        "hospital": (lexicon.HOSPITAL_FORMS, (street_root,)),
        "market": (lexicon.MARKET_FORMS, (street_root, *lexicon.ROAD_ROOTS)),
        "site": (lexicon.SITE_FORMS, (street_root, *lexicon.COMPOUND_ROOTS)),
        "eatery": (lexicon.EATERY_FORMS, shop_roots),
        "store": (lexicon.STORE_FORMS, shop_roots),
        "service": (lexicon.SERVICE_FORMS, shop_roots),
        "venue": (lexicon.VENUE_FORMS, shop_roots),
        "hotel": (lexicon.HOTEL_FORMS, shop_roots),
        "park": (lexicon.PARK_FORMS, (street_root, *lexicon.ROAD_ROOTS)),
        "station": (lexicon.STATION_FORMS, ("",)),
        "office": (lexicon.OFFICE_FORMS, ("",)),
    }[kind]
    return pick(forms).format(
        r=pick(roots),
        d=district.name,
        s=street.name,
        n=rng.randint(1, 120 if kind == "station" else 12),
    )


def _departments(
    rng: random.Random, city_name: str, city_code: str, streets: list[tuple[Area, Area]]
) -> list[Department]:
    tops = tuple(dict.fromkeys(leaf.path[0] for leaf in taxonomy()))
    answers_for: dict[str, dict[str, None]] = {}  # bureau → its top categories, in order
    for leaf in taxonomy():
        answers_for.setdefault(leaf.bureau, {})[leaf.path[0]] = None

    def phone() -> str:
        return f"8{rng.randrange(10**6, 10**7)}"

    departments = [
        Department(
            f"{city_code}-{abbr}",
            city_name + names[2],
            TIER_CITY,
            (city_code,),
            tuple(answers_for[abbr]),
            phone(),
        )
        for abbr, names in lexicon.BUREAUS.items()
    ]
    districts = list(dict.fromkeys(district for district, _ in streets))
    for district in districts:
        county = district.name.endswith("县")
        for abbr, names in lexicon.BUREAUS.items():
            departments.append(
                Department(
                    f"{district.code}-{abbr}",
                    district.name + names[1 if county else 0],
                    TIER_DISTRICT,
                    (district.code,),
                    tuple(answers_for[abbr]),
                    phone(),
                )
            )
    for _, street in streets:
        # A street office answers for everything in its street, first.
        office = street.name + ("办事处" if street.name.endswith("街道") else "人民政府")
        departments.append(
            Department(
                f"{street.code}-{STREET_OFFICE}", office, TIER_STREET, (street.code,), tops, phone()
            )
        )
    return departments
