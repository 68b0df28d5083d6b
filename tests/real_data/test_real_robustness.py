"""How much the overall composite's worst tenth depends on its weights, on the real build:
the figures the README and the closing notes give, and the rank-change map's classes."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from arp import composites, maps, robustness, weighting
from arp.framework import load_framework
from arp.workshop import Scenario

pytestmark = pytest.mark.real_data

EQUAL = Scenario("Equal weights")
ROOM = Scenario(
    "a room's votes",
    {"policing": 3.0, "housing": 2.0, "health": 2.0, "education": 1.0, "access": 0.5},
)


@pytest.fixture(scope="module")
def inputs(real_db):
    with duckdb.connect(str(real_db), read_only=True) as con:
        return composites.composite_inputs(con, load_framework(), "lsoa")


def test_the_worst_tenth_under_plausible_weightings(inputs):
    framework = load_framework()
    result = weighting.robustness_of(inputs, framework, EQUAL, "overall", robustness.DrawSettings())
    # 1,000 seeded draws around equal weights, every WMCA LSOA (bench/robustness.py prints it)
    assert result.counts() == {"robust": 113, "depends": 126, "rarely": 146, "never": 1334}
    assert sum(result.counts().values()) == 1719
    assert int(result.frame["worst"].sum()) == 171  # in it under equal weights themselves
    # an area robustly in the worst tenth is in it under the centre weights too
    robust = result.frame["worst_share"] >= robustness.ROBUST_SHARE
    assert result.frame.loc[robust, "worst"].all()


def test_the_rank_change_map_is_symmetric_about_no_change(inputs):
    compared = weighting.compare(inputs, load_framework(), EQUAL, ROOM, "overall")
    shifts = compared["shift"].astype(float)
    classes = maps.classify(shifts, "quantiles", maps.SHIFT_SCALE)
    moved = shifts[shifts != 0].abs()
    big = int(np.ceil(moved.median()))
    assert classes.labels[4] == f"{big:,} places or more nearer the worst"
    assert (classes.index == 2).sum() == (shifts == 0).sum()
    # the outer classes hold the movers at or beyond the median move, on both sides
    assert ((classes.index == 0) | (classes.index == 4)).sum() == (moved >= big).sum()
    assert ((classes.index == 0) | (classes.index == 4)).sum() >= len(moved) / 2 - 1
