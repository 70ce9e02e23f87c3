"""Finding what a user means: a place by id or name, a financial year in any common spelling.

Pure functions over the list of places and years the warehouse holds, so the CLI, the report and
the tests share one rule:

- a place is found by its id, its full name, its plain name (ONS's "Kingston upon Hull, City of" is
  also "Kingston upon Hull"; a pilot "Kent (Total Place pilot; ...)" is also "Kent"), case-insensitively,
  then by a unique prefix, then by a unique substring; a district wins over a pilot area of the same
  plain name (Birmingham is the district; the pilot is tp_birmingham);
- anything else is an error listing the closest places, ranked by similarity;
- a year may be written 2016-17, 2016/17, 16-17, 16/17, 2016-2017 or 2016/2017.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass


class LookupFailed(LookupError):
    pass


@dataclass(frozen=True)
class Place:
    place_id: str
    place_name: str
    place_kind: str = "district"


def plain_names(place: Place) -> list[str]:
    """The names a user may type for a place, lower-cased: full name, and the plain forms."""
    name = place.place_name.strip()
    names = [name]
    m = re.fullmatch(r"(.+?),\s*(City of|County of)", name, flags=re.I)
    if m:  # ONS style "Kingston upon Hull, City of"
        names += [m.group(1), f"{m.group(2)} {m.group(1)}"]
    m = re.fullmatch(r"(.+?)\s*\((?:Total Place pilot|[^)]*pilot)[^)]*\)", name, flags=re.I)
    if m:  # "Kent (Total Place pilot; the twelve ...)" -> "Kent"
        names.append(m.group(1))
    return [n.lower() for n in dict.fromkeys(names)]


def _label(p: Place) -> str:
    return f"{p.place_id} ({p.place_name})"


def _prefer_districts(hits: list[Place]) -> list[Place]:
    districts = [p for p in hits if p.place_kind == "district"]
    return districts if len(districts) == 1 else hits


def suggestions(text: str, places: list[Place], n: int = 5) -> list[Place]:
    """The places closest to ``text``, best first (similarity of the text to any of their names or id)."""
    t = text.strip().lower()

    def score(p: Place) -> float:
        best = max(difflib.SequenceMatcher(None, t, name).ratio() for name in [p.place_id.lower(), *plain_names(p)])
        if any(t in name for name in plain_names(p)):
            best += 0.3  # the text appears inside the name
        return best

    ranked = sorted(places, key=lambda p: (-score(p), p.place_kind != "district", p.place_name))
    return [p for p in ranked[:n] if score(p) > 0.3]


def resolve_place(text: str, places: list[Place]) -> Place:
    t = text.strip().lower()
    if not t:
        raise LookupFailed("no place given; `totalplace places` lists them")
    for p in places:
        if p.place_id.lower() == t:
            return p
    for exact, rule in (
        (True, lambda name: name == t),
        (False, lambda name: name.startswith(t)),
        (False, lambda name: t in name),
    ):
        hits = [p for p in places if any(rule(name) for name in plain_names(p))]
        hits = _prefer_districts(hits) if exact else hits
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            shown = ", ".join(
                _label(p) for p in sorted(hits, key=lambda p: (p.place_kind != "district", p.place_name))[:8]
            )
            more = f" and {len(hits) - 8} more" if len(hits) > 8 else ""
            raise LookupFailed(
                f"place {text!r} matches {len(hits)} places: {shown}{more}; give more of the name or the id"
            )
    close = suggestions(text, places)
    raise LookupFailed(
        f"unknown place {text!r}"
        + (f"; closest: {', '.join(_label(p) for p in close)}" if close else "")
        + "; `totalplace places SEARCH` lists places"
    )


def normalise_year(text: str, years: list[str]) -> str:
    """'2016/17', '16-17', '2016-2017' ... -> '2016-17', checked against the years the count covers."""
    t = text.strip()
    m = re.fullmatch(r"(\d{2}|\d{4})\s*[-/–]\s*(\d{2}|\d{4})", t)
    year = None
    if m:
        start, end = m.groups()
        start_full = int(start) if len(start) == 4 else 2000 + int(start)
        end_2 = int(end[-2:])
        if end_2 == (start_full + 1) % 100:
            year = f"{start_full}-{end_2:02d}"
    if re.fullmatch(r"(19|20)\d\d", t) and years:  # a calendar year: two financial years touch it
        y = int(t)
        both = [f for f in (f"{y - 1}-{y % 100:02d}", f"{y}-{(y + 1) % 100:02d}") if f in years]
        raise LookupFailed(
            f"{t!r} is a calendar year, and two financial years touch it: "
            f"{y}-{(y + 1) % 100:02d} (April {y} to March {y + 1}) or {y - 1}-{y % 100:02d} "
            f"(April {y - 1} to March {y}); the count covers {years[0]} to {years[-1]}"
            + (f"; ask for {' or '.join(reversed(both))}" if both else "")
        )
    if year is None or year not in years:
        span = f"{years[0]} to {years[-1]}" if years else "no years (the warehouse is empty)"
        close = difflib.get_close_matches(year or t, years, n=3, cutoff=0.5)
        raise LookupFailed(
            f"unknown financial year {text!r}; the count covers {span}"
            + (f" (close: {', '.join(close)})" if close else "")
            + "; write it as 2016-17, 2016/17 or 16-17"
        )
    return year
