"""A view of the explorer pages as it lives in the URL: what is shown, where, and how.
Round-trips through the query string; a value that is not valid falls back with a message."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from arp import maps
from arp.framework import Framework
from arp.levels import MAPPED_LEVELS
from arp.workshop import EQUAL_WEIGHTS

MAX_COMPARE = 6
OVERALL_PARAM = "overall"
DOMAIN_PREFIX = "domain:"


@dataclass(frozen=True)
class Show:
    """What a map shows: one indicator, one domain's composite, or the overall composite.
    In a link: the indicator's id, `domain:<id>`, or `overall`."""

    kind: Literal["indicator", "domain", "overall"]
    id: str = ""

    @classmethod
    def from_param(cls, text: str) -> Show:
        if text == OVERALL_PARAM:
            return cls("overall")
        if text.startswith(DOMAIN_PREFIX):
            return cls("domain", text.removeprefix(DOMAIN_PREFIX))
        return cls("indicator", text)

    @property
    def param(self) -> str:
        if self.kind == "overall":
            return OVERALL_PARAM
        return f"{DOMAIN_PREFIX}{self.id}" if self.kind == "domain" else self.id

    @property
    def is_composite(self) -> bool:
        return self.kind != "indicator"

    def is_valid(self, framework: Framework) -> bool:
        if self.kind == "overall":
            return True
        if self.kind == "domain":
            domain = framework.domains.get(self.id)
            return domain is not None and not domain.context_only
        return self.id in framework.indicators

    def label(self, framework: Framework) -> str:
        if self.kind == "overall":
            return "Overall composite score"
        if self.kind == "domain":
            return f"{framework.domains[self.id].title}: composite score"
        return framework.indicators[self.id].title

    def choice_label(self, framework: Framework) -> str:
        """The label in the "Show" list, led by its domain: the list reads in domain
        groups, and typing a domain's name narrows it to that group."""
        if self.kind == "indicator":
            indicator = framework.indicators[self.id]
            return f"{framework.domains[indicator.domain].title}: {indicator.title}"
        return self.label(framework)


def show_choices(framework: Framework) -> list[Show]:
    """Every view the map can show, grouped by domain: the overall composite, then each
    domain's composite (where it has one) followed by its indicators."""
    choices = [Show("overall")]
    for domain in framework.domains.values():
        if not domain.context_only:
            choices.append(Show("domain", domain.id))
        choices.extend(Show("indicator", i.id) for i in framework.in_domain(domain.id))
    return choices


@dataclass(frozen=True)
class ViewState:
    """Everything that defines a view; round-trips through the URL query string."""

    level: str = "lsoa"
    within: str = "E47000007"
    show: Show = Show("indicator", "imd_score_2025")
    scenario: str = EQUAL_WEIGHTS
    scheme: str = "quantiles"
    area: str | None = None
    compare: tuple[str, ...] = field(default_factory=tuple)
    gap_indicator: str = "imd_score_2025"
    present: bool = False
    map_position: str | None = None  # "latitude,longitude,zoom" where the map was left
    compare_chart: str | None = None  # the indicator Compare charts (None: its headline)
    # What a composite's map is coloured by (COLOURINGS), and the scenario a rank shift is
    # measured from.
    colour_by: str = "score"
    colour_other: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.show, str):  # ViewState(show="no_car"), as a link spells it
            object.__setattr__(self, "show", Show.from_param(self.show))

    def to_params(self) -> dict[str, str]:
        params = {
            "level": self.level,
            "within": self.within,
            "show": self.show.param,
            "scenario": self.scenario,
            "scheme": self.scheme,
            "gap": self.gap_indicator,
        }
        if self.area:
            params["area"] = self.area
        if self.compare:
            params["compare"] = ",".join(self.compare)
        if self.present:
            params["present"] = "1"
        if self.map_position:
            params["map"] = self.map_position
        if self.compare_chart:
            params["chart"] = self.compare_chart
        if self.colour_by != "score":
            params["colour"] = self.colour_by
        if self.colour_other:
            params["vs"] = self.colour_other
        return params

    def short_params(self) -> dict[str, str]:
        """Only what differs from the default view: the shortest link to the same view."""
        defaults = ViewState().to_params()
        return {k: v for k, v in self.to_params().items() if defaults.get(k) != v}


# URL parameter -> ViewState field
_FIELDS = {
    "level": "level",
    "within": "within",
    "show": "show",
    "scenario": "scenario",
    "scheme": "scheme",
    "area": "area",
    "compare": "compare",
    "gap": "gap_indicator",
    "present": "present",
    "map": "map_position",
    "chart": "compare_chart",
    "colour": "colour_by",
    "vs": "colour_other",
}
COLOURINGS = ("score", "robustness", "shift")  # a composite by its score, its robustness, …
PARAMETERS = tuple(_FIELDS)  # every parameter a view's link may carry


SHOWN_VALUE_CHARACTERS = 100  # a longer bad value is cut: a link is no place for a paragraph


@dataclass(frozen=True)
class LinkProblem:
    """A value in a link that is not valid for its parameter (the view falls back)."""

    param: str
    value: str

    @property
    def shown_value(self) -> str:
        if len(self.value) <= SHOWN_VALUE_CHARACTERS:
            return self.value
        return self.value[:SHOWN_VALUE_CHARACTERS] + "…"

    def __str__(self) -> str:
        return f"'{self.shown_value}' is not a valid {self.param}; showing the default instead."


def parse_state(
    params: Mapping[str, str],
    framework: Framework,
    area_codes: set[str],
    within_options: list[str],
    scenario_names: list[str],
) -> tuple[ViewState, list[LinkProblem]]:
    """The view a URL asks for. A value that is not valid falls back to the default, and a
    message says which, so a mistyped or stale link still opens."""
    default = ViewState(within=within_options[0] if within_options else "E47000007")
    state, problems = default, list[LinkProblem]()

    def take(name, valid, convert=lambda v: v):
        nonlocal state
        if name not in params:
            return
        value = params[name]
        if valid(value):
            state = replace(state, **{_FIELDS[name]: convert(value)})
        else:
            problems.append(LinkProblem(name, value))

    take("level", lambda v: v in MAPPED_LEVELS)
    take("within", lambda v: v in within_options)
    take("show", lambda v: Show.from_param(v).is_valid(framework), Show.from_param)
    take("scenario", lambda v: v in scenario_names)
    take("scheme", lambda v: v in maps.SCHEMES)
    take("area", lambda v: v in area_codes)
    take("gap", lambda v: v in framework.indicators)
    take("present", lambda v: v in ("0", "1"), lambda v: v == "1")
    take("map", lambda v: parse_map_position(v) is not None)
    take("chart", lambda v: v in framework.indicators)
    take("colour", lambda v: v in COLOURINGS)
    take("vs", lambda v: v in scenario_names)
    take(
        "compare",
        lambda v: all(c in area_codes for c in v.split(",")) and len(v.split(",")) <= MAX_COMPARE,
        lambda v: tuple(v.split(",")),
    )
    return state, problems


def parse_map_position(text: str) -> tuple[float, float, int] | None:
    """(latitude, longitude, zoom) from a link's "map" value, or None if it is not one.
    The browser writes it there as the map is panned and zoomed."""
    parts = text.split(",")
    if len(parts) != 3:
        return None
    try:
        latitude, longitude, zoom = float(parts[0]), float(parts[1]), int(parts[2])
    except ValueError:
        return None
    if -90 <= latitude <= 90 and -180 <= longitude <= 180 and 0 <= zoom <= 19:
        return latitude, longitude, zoom
    return None
