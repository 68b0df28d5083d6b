"""Advocacy exports rendered for real from the fixture database: sizes, content, escaping."""

from __future__ import annotations

import re
from datetime import date

import duckdb
import matplotlib.image
import numpy as np
import pytest
from pypdf import PdfReader

from arp import cli, exports, view_state
from arp.framework import load_framework
from arp.workshop import Scenario

EXPORT_DAY = date(2026, 3, 14)


@pytest.fixture
def con(fixture_db):
    with duckdb.connect(str(fixture_db), read_only=True) as connection:
        yield connection


def pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)


@pytest.mark.parametrize(
    ("size", "pixels"),
    [
        # One size in `make test-fast`; the larger two draw the same map, at 3 s each.
        pytest.param("slide", (1080, 1920), marks=pytest.mark.slow),
        ("square", (1080, 1080)),
        pytest.param("a4", (1753, 1240), marks=pytest.mark.slow),
    ],
)
def test_map_png_has_the_size_and_is_not_blank(con, tmp_path, size, pixels):
    out = tmp_path / f"map-{size}.png"
    state = view_state.ViewState(show="no_car", level="lsoa")
    exports.render_map(con, load_framework(), state, Scenario("Equal weights"), out, size)
    image = matplotlib.image.imread(out)
    assert image.shape[:2] == pixels
    colours = np.unique((image[..., :3] * 255).astype(int).reshape(-1, 3), axis=0)
    assert len(colours) > 50  # polygons in several classes, text, QR code: not a blank page


def test_map_pdf_carries_title_legend_sources_and_date(con, tmp_path):
    out = tmp_path / "map.pdf"
    state = view_state.ViewState(show="no_car", level="lsoa", scheme="equal_interval")
    context = exports.render_map(
        con,
        load_framework(),
        state,
        Scenario("Equal weights"),
        out,
        "a4",
        "https://arp.example",
        EXPORT_DAY,
    )
    text = pdf_text(out)
    assert "Households with no car or van" in text
    assert "LSOAs in West Midlands Combined Authority" in text
    # equal intervals over 10% to 50% (fixture values 50, 20, 20, 10: three distinct values,
    # so three classes of 13.3 points)
    for label in ("10.0 to 23.3", "23.3 to 36.7", "36.7 to 50.0", "Suppressed or no data"):
        assert label in text
    for line in context.attributions:
        assert line in text.replace("\n", " ")
    assert "Exported 14 March 2026" in text
    # the link back carries only what differs from the default view
    assert "https://arp.example/?show=no_car&scheme=equal_interval" in text.replace("\n", "")


def test_markup_and_dollar_signs_appear_literally(con, tmp_path):
    out = tmp_path / "map.pdf"
    scenario = Scenario("<b>Room $2$</b> & co")
    state = view_state.ViewState(show="overall", scenario=scenario.name)
    exports.render_map(con, load_framework(), state, scenario, out, "slide")
    assert "weights: <b>Room $2$</b> & co" in pdf_text(out)


def test_svg_export(con, tmp_path):
    out = tmp_path / "map.svg"
    exports.render_map(
        con,
        load_framework(),
        view_state.ViewState(show="no_car"),
        Scenario("Equal weights"),
        out,
        "square",
    )
    svg = out.read_text()
    assert svg.startswith("<?xml")
    assert "Households with no car or van" in svg


def test_profile_pdf(con, tmp_path):
    out = tmp_path / "profile.pdf"
    exports.render_profile(con, load_framework(), "E01000901", out, today=EXPORT_DAY)
    text = pdf_text(out)
    assert "Birmingham 001A" in text
    assert "Households with no car or van" in text
    assert "46.0 to 54.0" in text  # the Wilson interval of 300 of 600
    assert "Exported 14 March 2026" in text
    assert "Source: Office for National Statistics" in text
    assert len(PdfReader(str(out)).pages) == 2


def test_cli_exports(fixture_db, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(tmp_path / "workshop.sqlite3"))
    png = tmp_path / "ward.png"
    assert (
        cli.main(
            [
                "export",
                "map",
                "--indicator",
                "no_car",
                "--level",
                "ward",
                "--size",
                "square",
                "--out",
                str(png),
                "--db",
                str(fixture_db),
            ]
        )
        == 0
    )
    assert matplotlib.image.imread(png).shape[:2] == (1080, 1080)
    pdf = tmp_path / "profile.pdf"
    assert (
        cli.main(
            ["export", "profile", "--area", "E08000029", "--out", str(pdf), "--db", str(fixture_db)]
        )
        == 0
    )
    assert "Solihull" in pdf_text(pdf)
    assert (
        cli.main(["export", "profile", "--area", "E99", "--out", str(pdf), "--db", str(fixture_db)])
        == 2
    )
    assert "No area with code 'E99'" in capsys.readouterr().err


def test_chart_export_with_intervals_and_footer(tmp_path):
    out = tmp_path / "chart.svg"
    exports.render_chart(
        ["Group <A>", "Group B"],
        [2.5, np.nan],
        "Rate ratio",
        "to White",
        "ratio",
        ["Source: invented for the test"],
        out,
        intervals=[(2.0, 3.1), (np.nan, np.nan)],
        reference=1.0,
        today=EXPORT_DAY,
    )
    svg = out.read_text()
    assert "Group &lt;A&gt;" in svg  # the label is text, escaped in the SVG
    assert "no value" in svg
    assert "Exported 14 March 2026" in svg
    assert "Source: invented for the test" in svg
    png = tmp_path / "chart.png"
    exports.render_chart(["a", "b"], [1.0, 2.0], "t", "s", "x", [], png)
    assert matplotlib.image.imread(png).shape[1] == 1320


def test_profile_pdf_shows_approved_insights_literally(con, tmp_path):
    out = tmp_path / "profile.pdf"
    hostile = "<b>bold?</b> $x^2$ <script>alert(1)</script>"
    exports.render_profile(con, load_framework(), "E01000901", out, said=[hostile])
    assert hostile in pdf_text(out)


def test_gap_chart_carries_the_table_note_both_ways(con, fixture_db_detailed_lsoa, tmp_path):
    from arp import gaps

    hides = "MSOA averages hide differences within each MSOA, so gaps look smaller than at LSOA."
    no_car = load_framework().indicators["no_car"]
    on_msoa = gaps.exposure(con, no_car, "E47000007", "detailed")
    subtitle = exports.gap_chart_subtitle(on_msoa, "West Midlands")
    assert subtitle.startswith("Average experienced by each group in West Midlands. MSOA level")
    assert hides in subtitle
    assert "the file provided has only the 5 broad groups at LSOA" in subtitle
    out = tmp_path / "gaps.svg"
    exports.render_chart(
        on_msoa["ethnic_group"].tolist(),
        on_msoa["mean_value"].tolist(),
        no_car.title,
        subtitle,
        "%",
        [],
        out,
    )
    # the long subtitle is wrapped onto lines, every word of it drawn
    drawn = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", out.read_text()))
    assert hides in " ".join(drawn.split())
    assert exports.with_note(on_msoa)["note"].eq(on_msoa.attrs["note"]).all()
    with duckdb.connect(str(fixture_db_detailed_lsoa), read_only=True) as detailed:
        on_lsoa = gaps.exposure(detailed, no_car, "E47000007", "detailed")
    subtitle = exports.gap_chart_subtitle(on_lsoa, "West Midlands")
    assert subtitle.endswith("LSOA level, Census 2021 detailed groups. Reference: White British.")
