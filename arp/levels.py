"""The geography levels, named once: codes, words, and where each lives in `areas`."""

from __future__ import annotations

LEVELS = ("lsoa", "msoa", "ward", "lad", "ca")  # smallest first
BASE_LEVELS = ("lsoa", "msoa")  # the levels indicators are computed at
MAPPED_LEVELS = ("lsoa", "msoa", "ward", "lad")  # what the map and compare pages offer
LABELS = {
    "ca": "Combined authority",
    "lad": "Districts",
    "ward": "Wards",
    "msoa": "MSOAs",
    "lsoa": "LSOAs",
}


def plural_noun(level: str) -> str:
    """The level's areas inside a sentence: "LSOAs", "wards", "districts"."""
    label = LABELS[level]
    return label if level in BASE_LEVELS else label.lower()


# The column of `areas` that holds, for any row, the code of its area at each level.
ANCESTOR_COLUMN = {
    "lsoa": "code",
    "msoa": "msoa_code",
    "ward": "ward_code",
    "lad": "lad_code",
    "ca": "ca_code",
}
