"""Reporting unit -> province / city / county and the 6-digit 行政区划代码 (via `cpca`).

cpca is a maintained gazetteer but it is greedy: `中共大厂回放自治县委组织部` (a typo in a
real document) comes back as 重庆市/县. So every cpca answer is checked: the most specific
place it claims must actually be written in the string (full name or its stem, e.g. 石家庄).

Order: the unit name first. If it names no place (`区委组织部`, `省法院`), the document text
is searched sentence by sentence and the place is chosen by majority, level by level
(province, then city within it, then county within that), never deeper than the unit's own
level (`省法院` stops at the province, `区委组织部` may go down to the county).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jixiao.text import squash

__all__ = ["Place", "locate"]

# How much of the document text is searched when the unit name names no place.
TEXT_WINDOW = 6000


@dataclass(frozen=True)
class Place:
    """Where a unit sits; `admin_code` is the code of the most specific place known."""

    province: str | None = None
    city: str | None = None
    county: str | None = None
    admin_code: str | None = None

    @property
    def depth(self) -> int:
        return 3 if self.county else 2 if self.city else 1 if self.province else 0


_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "自治州", "自治县", "自治旗",
             "地区", "新区", "林区", "省", "市", "区", "县", "旗", "州", "盟")


def _stem(name: str) -> str:
    """石家庄市 -> 石家庄; 大厂回族自治县 -> 大厂 (ethnic names are too long to require)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            stem = re.sub(r"(?:[\u4e00-\u9fff]{1,4}族)+$", "", stem) or stem
            return stem
    return name


def _written(name: str | None, text: str, level: int) -> bool:
    """Is `name` really written in `text`? Guards against cpca's substring hits.

    Cities and counties must appear with their suffix (石家庄市, 香河县) or as a stem of
    3+ characters (石家庄), so 重大理论 is not 大理市 and 合作 is not 合作市; provinces may
    appear as a stem (江苏, 河北). A two-character name (成县) only counts at the start of the
    string or right after 中共/共青团 or a province/city name, so 完成县委 is not 成县.
    """
    if not name or len(name) < 2:  # cpca's city `县` (重庆市县) is never a real match
        return False
    stem = _stem(name)
    if level == 1:
        return name in text or (len(stem) >= 2 and stem in text)
    if len(name) == 2:
        for m in re.finditer(re.escape(name), text):
            before = text[: m.start()]
            if not before or re.search(r"(?:中共|共青团|[省市州盟])$", before):
                return True
        return False
    return name in text or (len(stem) >= 3 and stem in text)


_ORGAN = re.compile(r"^(?:委|政府|人民政府|财政|人大|政协|党委|组织部|人民法院|法院|检察院)")


def _weight(place: Place, text: str) -> int:
    """A place named as an organ (`君山区财政局`, `岳阳市委`) counts more than a passing mention."""
    deepest = place.county or place.city or place.province or ""
    for name in (deepest, _stem(deepest)):
        i = text.find(name) if name else -1
        if i >= 0 and _ORGAN.match(text[i + len(name):]):
            return 3
    return 1


def _clean(value: object) -> str | None:
    return value if isinstance(value, str) and value and value != "nan" else None


@lru_cache(maxsize=1)
def load_gazetteer():
    """cpca, imported on first use (it reads its gazetteer on import).

    cpca opens its CSV with `pkg_resources.resource_stream`; importing the deprecated
    pkg_resources costs ~0.5 s, more than the gazetteer itself. When nothing has imported
    it yet, a stand-in that only has `resource_stream` (from importlib.resources) serves
    that one call and is removed again, so a later real `import pkg_resources` is unaffected."""
    import sys

    if "cpca" in sys.modules or "pkg_resources" in sys.modules:
        import cpca

        return cpca
    import importlib.resources
    import types

    shim = types.ModuleType("pkg_resources")
    shim.resource_stream = lambda package, name: importlib.resources.files(package).joinpath(name).open("rb")
    sys.modules["pkg_resources"] = shim
    try:
        import cpca
    finally:
        if sys.modules.get("pkg_resources") is shim:
            del sys.modules["pkg_resources"]
    return cpca


def _cpca_rows(strings: list[str]) -> list[dict]:
    """cpca's answer per string as a dict (省, 市, 区, adcode).

    `transform` wraps the same per-string records in a DataFrame, which made every worker
    import pandas (~70 MB) for this alone; the record function is used when cpca has it."""
    cpca = load_gazetteer()
    one = getattr(cpca, "_get_one_addr", None)
    if one is not None:
        return [one(s, False, {}) for s in strings]
    return [row for _, row in cpca.transform(strings).iterrows()]


_CACHE: dict[str, Place] = {}
_CACHE_LIMIT = 50_000


def _checked(text: str, row) -> Place:
    """A cpca row, kept only when its deepest place is written in the string."""
    province, city, county = (_clean(row[c]) for c in ("省", "市", "区"))
    code = _clean(str(row["adcode"])) if row["adcode"] is not None else None
    deepest, level = (county, 3) if county else (city, 2) if city else (province, 1)
    if not deepest or not code or not re.fullmatch(r"\d{6}", code) or not _written(deepest, text, level):
        return Place()
    return Place(province, city, county, code)


def _lookup_all(strings: list[str]) -> list[Place]:
    """cpca on many strings in one call; answers are cached per string."""
    todo = [s for s in dict.fromkeys(strings) if s and s not in _CACHE]
    if todo:
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()
        for s, row in zip(todo, _cpca_rows(todo), strict=True):
            _CACHE[s] = _checked(s, row)
    return [_CACHE.get(s, Place()) for s in strings]


def _lookup(text: str) -> Place:
    return _lookup_all([text])[0]


def _level_of_unit(name: str) -> int:
    """How deep the unit itself sits, from its wording: 省…/自治区… -> 1, 市… -> 2, 县/区/旗… -> 3."""
    rest = name.replace("自治区", "")
    if ("省" in name or "自治区" in name) and not re.search(r"[市县区旗]", rest):
        return 1
    if re.search(r"[县区旗]", rest):
        return 3
    if "市" in rest:
        return 2
    return 3


def _split_sentences(text: str) -> list[str]:
    parts = re.split(r"[。；;！？!?\n\t]|(?<=[，,])", text[:TEXT_WINDOW])
    return [p.strip() for p in parts if 2 <= len(p.strip()) <= 200]


def _majority(places: list[tuple[Place, int]], max_depth: int) -> Place:
    """Heaviest province, then heaviest city inside it, then county inside that (ties: first seen)."""
    chosen = Place()
    pool = [(p, w) for p, w in places if p.depth]
    for depth, attr in ((1, "province"), (2, "city"), (3, "county")):
        if depth > max_depth:
            break
        counts: dict[str, int] = {}
        for p, w in pool:
            key = getattr(p, attr)
            if key:
                counts[key] = counts.get(key, 0) + w
        if not counts:
            break
        order = list(counts)  # insertion order = first seen
        best = max(order, key=lambda k: (counts[k], -order.index(k)))
        pool = [(p, w) for p, w in pool if getattr(p, attr) == best]
        deepest = max((p for p, _ in pool), key=lambda p: p.depth)
        chosen = Place(
            deepest.province, deepest.city if depth >= 2 else None, deepest.county if depth >= 3 else None,
            _code_at(deepest.admin_code, depth),
        )
    return chosen


def _code_at(code: str | None, depth: int) -> str | None:
    """Truncate a 6-digit code to the province (xx0000) or city (xxxx00) level."""
    if not code:
        return None
    if depth == 1:
        return code[:2] + "0000"
    if depth == 2:
        return code[:4] + "00"
    return code


def locate(unit_name: str | None, text: str = "") -> Place:
    """Place of the reporting unit: from its name, else from the document's text (title, first paragraphs).

    A county named without its city (`桥西区委组织部`: there are three 桥西区 in 河北) takes
    the city the text writes next to that county, when it does.
    """
    name = squash(unit_name)
    place = _lookup(name) if name else Place()
    if place.depth == 3 and not _written(place.city, name, 2) and text:
        sentences = _split_sentences(text)
        confirmed = [
            (p, 1) for p, s in zip(_lookup_all(sentences), sentences, strict=True)
            if p.county == place.county and _written(p.city, s, 2)
        ]
        return _majority(confirmed, 3) if confirmed else place
    if place.depth:
        return place
    sentences = _split_sentences(text or "")
    if not sentences:
        return place
    found = [(p, _weight(p, s)) for p, s in zip(_lookup_all(sentences), sentences, strict=True)]
    return _majority(found, _level_of_unit(name) if name else 3)
