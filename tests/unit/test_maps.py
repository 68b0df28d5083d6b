"""Map building blocks: classes, palettes, the compact geometry, and escaping."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import shapely

from arp import maps


def test_quintiles_put_a_fifth_of_areas_in_each_class_and_leave_gaps_empty():
    values = pd.Series([*range(1, 11), np.nan], dtype=float)
    classes = maps.classify(values, "quantiles")
    assert classes.index.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, -1]
    assert classes.bounds == pytest.approx([2.8, 4.6, 6.4, 8.2, 10.0])
    assert classes.minimum == 1.0


@pytest.mark.parametrize("scheme", list(maps.SCHEMES))
def test_every_scheme_classifies(scheme):
    values = pd.Series(np.linspace(0, 100, 50))
    classes = maps.classify(values, scheme)
    assert classes.index.min() == 0
    assert classes.index.max() == len(classes.bounds) - 1
    assert classes.bounds[-1] == 100.0


def test_a_single_value_is_one_class():
    classes = maps.classify(pd.Series([5.0, 5.0, np.nan]), "quantiles")
    assert classes.index.tolist() == [0, 0, -1]


def test_darker_means_worse_whatever_the_direction():
    worse_high = maps.colours_for("higher_is_worse", "level", 5)
    better_high = maps.colours_for("higher_is_better", "level", 5)
    assert worse_high == better_high[::-1]
    assert worse_high[-1] == "#7f0000"  # the darkest for the highest, worst, values
    assert maps.colours_for("no_judgement", "context", 5)[0] == "#f7fbff"  # neutral blues


def test_geometry_round_trips_through_the_compact_encoding():
    polygon = shapely.Polygon([(-1.9, 52.48), (-1.89, 52.48), (-1.89, 52.49), (-1.9, 52.48)])
    (rings,) = maps.encode_geometry(shapely.to_wkb(polygon))
    decoded = np.cumsum(np.array(rings[0]).reshape(-1, 2), axis=0) / maps.SCALE
    assert np.allclose(decoded, np.asarray(polygon.exterior.coords), atol=1e-5)


def test_untrusted_text_cannot_close_the_script_or_become_markup():
    frame = pd.DataFrame(
        {
            "code": ["E01000901"],
            "name": ["</script><script>alert(1)</script>"],
            "geometry_display_wkb": [shapely.to_wkb(shapely.box(-1.9, 52.48, -1.89, 52.49))],
        }
    )
    layer = maps.AreaLayer(frame, np.array([0]), ["#000000"], [["<img src=x onerror=alert(1)>"]])
    assert "</script>" not in layer.payload
    legend = maps.Legend("<b>title</b>", "unit", [("#000000", "<i>1 to 2</i>")], "<script>")
    assert "<b>" not in legend.html_json
    assert "&lt;b&gt;title&lt;/b&gt;" in legend.html_json
    assert "&lt;script&gt;" in legend.html_json
