"""Advocacy exports rendered for real from the fixture database: sizes, content, escaping."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from datetime import date

import duckdb
import matplotlib.image
import matplotlib.pyplot as plt
import numpy as np
import pytest
from pypdf import PdfReader

from arp import cli, exports, map_views, maps, profile_pdf, typesetting, view_state
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
    context = exports.render_map(con, load_framework(), state, scenario, out, "slide")
    assert "weights: <b>Room $2$</b> & co" in pdf_text(out)
    # the caveat names the scenario and how much its worst 10% depends on the weights
    assert context.caveat.startswith("A composite summarises positions")
    assert "Weights: <b>Room $2$</b> & co. 0 LSOAs are in the worst 10% under at least 90%" in (
        context.caveat
    )
    assert "Draws: 1,000 weightings around the scenario's" in " ".join(pdf_text(out).split())


def test_the_map_image_has_the_colouring_on_screen(con, tmp_path):
    # The page colours a composite by how much its worst 10% depends on the weights: the
    # image it exports must show that map, not the plain composite under the same button.
    framework, scenario = load_framework(), Scenario("Equal weights")
    state = view_state.ViewState(show="overall", colour_by="robustness")
    shown = map_views.robustness_view(map_views.view_for(con, framework, state, scenario))
    out = tmp_path / "map.pdf"
    context = exports.render_map(con, framework, state, scenario, out, "slide", view=shown)
    assert context.title == "Overall composite score: how much the worst 10% depends on the weights"
    text = " ".join(pdf_text(out).split())
    assert context.title in text
    assert "% of plausible weightings with the area in the worst 10%" in text
    assert "colour=robustness" in text.replace(" ", "")  # the link back reopens this colouring


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


def flat(text: str) -> str:
    """Extracted text with its line breaks and runs of spaces as single spaces: the PDF
    wraps long texts onto lines between words."""
    return " ".join(text.split())


def test_profile_pdf(con, tmp_path):
    out = tmp_path / "profile.pdf"
    document = exports.render_profile(
        con, load_framework(), "E01000901", out, "https://arp.example", EXPORT_DAY
    )
    text = pdf_text(out)
    assert "Birmingham 001A" in text
    assert "Households with no car or van" in text
    assert "46.0 to 54.0" in text  # the Wilson interval of 300 of 600
    assert "50.0%" in text  # the value with its unit
    assert "Exported 14 March 2026" in text
    assert "Source: Office for National Statistics" in flat(text)
    assert "see the Period column" not in text  # the promise of a column that never was
    assert document.rows
    assert document.sources


def test_profile_pdf_every_row_has_unit_period_and_sources(con, tmp_path):
    """Each indicator row says its unit, its period and the numbers of its sources, and
    each number is, on the Sources page, the dataset the indicator is computed from."""
    out = tmp_path / "profile.pdf"
    framework = load_framework()
    document = exports.render_profile(
        con, framework, "E01000901", out, "https://arp.example", EXPORT_DAY
    )
    pages = [page.extract_text() for page in PdfReader(str(out)).pages]
    text = flat("\n".join(pages))
    by_id = {row.indicator_id: row for row in document.rows}
    assert {"no_car", "distance_gp", "stop_search_rate", "asian_share"} <= set(by_id)
    # Grouped by domain: each domain's rows together, in the framework's order of domains.
    domains = [row.domain for row in document.rows]
    runs = [d for n, d in enumerate(domains) if n == 0 or domains[n - 1] != d]
    titles = [d.title for d in framework.domains.values()]
    assert runs == sorted(set(runs), key=titles.index)
    for row in document.rows:
        assert row.about in text, row.indicator_id
        assert f"Unit: {row.unit}" in row.about
        assert f"Period: {row.period}" in row.about
        assert row.sources
    # Sources: numbered once each, in the order first cited, the fixture's own datasets
    numbers = {s.number: s for s in document.sources}
    assert sorted(numbers) == list(range(1, len(document.sources) + 1))
    assert by_id["no_car"].about.endswith(f"Source: {by_id['no_car'].sources[0]}")
    assert numbers[by_id["no_car"].sources[0]].source_id == "census_ts045_lsoa"
    assert {numbers[n].source_id for n in by_id["distance_gp"].sources} == {
        "gp_practices",
        "codepoint_open",
        "census_ts001_lsoa",
    }
    # the police data's period is the months loaded (one in the fixture), not a pointer
    assert by_id["stop_search_rate"].period == "police.uk data, 1 month, January 2024"
    assert by_id["stop_search_rate"].value == "suppressed"
    sources_page = flat(next(page for page in pages if "Sources" in page.split("\n")[1:3]))
    for source in document.sources:
        assert f"{source.number}. {source.title}" in sources_page
        assert source.attribution in sources_page


def test_profile_pdf_pages_are_numbered_and_dated(con, tmp_path):
    out = tmp_path / "profile.pdf"
    link = "https://arp.example/area_profile?area=E01000901"
    exports.render_profile(
        con, load_framework(), "E01000901", out, "https://arp.example", EXPORT_DAY, ["a note"]
    )
    pages = [flat(page.extract_text()) for page in PdfReader(str(out)).pages]
    assert len(pages) >= 3
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "exported 14 March 2026" in page
        assert f"Open this profile in the app: {link}" in page


def test_a_table_continued_on_a_new_page_says_whose_rows_it_carries(tmp_path):
    pages = profile_pdf.Pages("A running title")
    columns = [profile_pdf.Column(0.6, 3.0, "Indicator"), profile_pdf.Column(4.0, 1.0, "Value")]
    rows: list = ["Housing"]
    rows += [
        [[profile_pdf.Cell(f"Housing row {n}")], [profile_pdf.Cell(str(n))]] for n in range(80)
    ]
    rows += ["Health", [[profile_pdf.Cell("Health row")], [profile_pdf.Cell("1")]]]
    pages.table(columns, rows)
    out = tmp_path / "table.pdf"
    profile_pdf.write(pages.figures, out, "table")
    texts = [page.extract_text().split("\n") for page in PdfReader(str(out)).pages]
    assert len(texts) >= 2
    for lines in texts[1:]:
        # Each later page: the running title, the column headings again, then the group.
        assert lines[:3] == ["A running title", "Indicator Value", "Housing (continued)"]
    assert "Housing (continued)" not in texts[0]
    assert "Health" in texts[-1]


def test_profile_qr_code_opens_the_profile(con):
    """The QR code on page 1, as drawn, decodes to the link back (built from the public
    address the app is given)."""
    import io

    import zxingcpp
    from PIL import Image

    framework = load_framework()
    link = exports.view_link(
        view_state.ViewState(area="E05000901"), "https://arp.example:8443/", "area_profile"
    )
    assert link == "https://arp.example:8443/area_profile?area=E05000901"
    document = profile_pdf.profile_document(con, framework, "E05000901", link, EXPORT_DAY)
    figures = profile_pdf.profile_figures(con, framework, document)
    try:
        png = io.BytesIO()
        figures[0].savefig(png, format="png", dpi=150)
    finally:
        for fig in figures:
            plt.close(fig)
    decoded = [code.text for code in zxingcpp.read_barcodes(Image.open(png))]
    assert decoded == [link]


def test_profile_pdf_says_how_many_notes_it_shows(con, tmp_path):
    framework = load_framework()
    said = [f"Note {i}: the bus shelter on the high street is broken." for i in range(1, 46)]
    out = tmp_path / "many.pdf"
    exports.render_profile(con, framework, "E01000901", out, today=EXPORT_DAY, said=said)
    text = flat(pdf_text(out))
    shown = profile_pdf.MAX_NOTES
    assert f"{shown} of 45 notes shown" in text
    assert f"Note {shown}: the bus shelter" in text
    assert f"Note {shown + 1}: the bus shelter" not in text
    out = tmp_path / "few.pdf"
    exports.render_profile(con, framework, "E01000901", out, today=EXPORT_DAY, said=said[:3])
    text = flat(pdf_text(out))
    assert "All 3 approved notes, in full." in text
    assert " of 3 notes shown" not in text
    # a long note is whole: wrapped onto lines, never cut
    long_note = "The youth club closed. " * 30
    out = tmp_path / "long.pdf"
    exports.render_profile(con, framework, "E01000901", out, said=[long_note])
    assert flat(long_note) in flat(pdf_text(out))


# Notes as people write them in Arabic and Urdu. (Poppler's extraction turns the lam-alef
# ligature and a mid-line Arabic comma around: see the report; these sentences have none.)
ARABIC_NOTE = "المكتبة في حينا مغلقة منذ سنتين"  # the library in our area has been shut two years
URDU_NOTE = "ہمارے محلے میں بچوں کے پڑھنے کی کوئی جگہ نہیں"  # nowhere for children to study


def test_profile_pdf_sets_right_to_left_notes_shaped_and_in_order(con, tmp_path):
    """Arabic and Urdu notes are set in a font that has their letters, shaped and laid out
    right to left: a reader that reorders visual text (poppler) gets them back in the
    order they were typed. Unshaped or reversed text would come back reversed."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is missing (apt-get install poppler-utils; CI installs it)")
    if typesetting.arabic_font() is None:
        pytest.skip("no Noto Sans Arabic (apt-get install fonts-noto-ui-core; CI installs it)")
    out = tmp_path / "rtl.pdf"
    english = "The library on Coventry Road closed."
    exports.render_profile(
        con, load_framework(), "E01000901", out, said=[english, ARABIC_NOTE, URDU_NOTE]
    )
    extracted = subprocess.run(
        ["pdftotext", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    lines = [re.sub("[\u202a-\u202e]", "", line).strip() for line in extracted.splitlines()]
    assert ARABIC_NOTE in lines
    assert URDU_NOTE in lines
    assert english in lines
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(str(out)).pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("NotoSansArabic" in name for name in fonts), fonts  # Urdu letters included
    assert not any("LastResort" in name for name in fonts)  # no glyph drawn as a box


def test_right_to_left_detection():
    assert typesetting.is_right_to_left(URDU_NOTE)
    assert typesetting.is_right_to_left("  (" + ARABIC_NOTE + ") in English after")
    assert not typesetting.is_right_to_left("In English: " + ARABIC_NOTE)
    assert typesetting.families("plain") == ["DejaVu Sans"]


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


# The 19 detailed groups' longest names, three of which the old chart cut to the same words.
LONG_GROUPS = [
    "All residents",
    "Black, Black British, Black Welsh, Caribbean or African: African",
    "Black, Black British, Black Welsh, Caribbean or African: Caribbean",
    "Black, Black British, Black Welsh, Caribbean or African: Other Black",
    "Mixed or Multiple ethnic groups: Other Mixed or Multiple ethnic groups",
    "Mixed or Multiple ethnic groups: White and Black Caribbean",
    "White: Gypsy or Irish Traveller",
]


def test_chart_labels_are_whole_and_inside_the_image():
    """Every text drawn on a chart lies inside the image, as measured by the renderer; each
    group label is the whole name (wrapped onto lines), left of the bars, clear of its
    neighbours."""
    from matplotlib.text import Text

    values = [19.7, 21.3, 20.5, 21.5, 19.8, 20.9, 22.4]
    with plt.rc_context(exports.STYLE):
        fig = exports.chart_figure(
            LONG_GROUPS,
            values,
            "No qualifications",
            "Average experienced by each group in Coventry. MSOA level, Census 2021 detailed "
            "groups. Reference: White British.",
            "% of residents aged 16+",
            ["Source: Office for National Statistics licensed under the Open Government Licence"],
            reference=19.7,
            today=EXPORT_DAY,
            period="Census 2021",
            link="https://arp.example/equity_gaps?gap_indicator=no_qualifications",
            direction="higher = worse",
            reference_label="All residents",
        )
        try:
            fig.canvas.draw()  # laid out as when saved
            renderer = fig.canvas.get_renderer()
            page = fig.bbox
            ax = fig.axes[0]
            low, high = ax.get_xlim()
            unseen = {  # ticks beyond the axis limits are kept by matplotlib, never drawn
                id(label)
                for tick, label in zip(ax.get_xticks(), ax.get_xticklabels(), strict=True)
                if not low <= tick <= high
            }
            drawn = [
                t
                for t in fig.findobj(Text)
                if t.get_visible() and t.get_text().strip() and id(t) not in unseen
            ]
            for text in drawn:
                box = text.get_window_extent(renderer)
                assert page.x0 <= box.x0, text.get_text()
                assert box.x1 <= page.x1, text.get_text()
                assert page.y0 <= box.y0, text.get_text()
                assert box.y1 <= page.y1, text.get_text()
            ticks = ax.get_yticklabels()
            assert [" ".join(t.get_text().split()) for t in ticks] == LONG_GROUPS
            assert max(len(line) for t in ticks for line in t.get_text().split("\n")) <= 34
            boxes = [t.get_window_extent(renderer) for t in ticks]
            plot = ax.get_window_extent(renderer)
            assert all(box.x1 <= plot.x0 for box in boxes)  # beside the bars, not over them
            for upper, lower in itertools.pairwise(boxes):
                assert lower.y1 <= upper.y0  # stacked top to bottom, none over another
            words = {t.get_text() for t in drawn}
            assert ax.get_xlabel() == "% of residents aged 16+ (higher = worse)"
            assert ax.get_ylabel() == ""  # the value axis has the unit, not the groups
            assert "Period: Census 2021" in words
            assert "All residents: 19.7" in {w.strip() for w in words}
            assert "Exported 14 March 2026." in "\n".join(words)
            assert (
                "Open this view: https://arp.example/equity_gaps?gap_indicator=no_qualifications"
                in words
            )
        finally:
            plt.close(fig)


def test_legends_say_which_way_is_worse(con, tmp_path):
    assert maps.direction_words(
        "higher_is_worse", "level", "Households with no car or van", "%"
    ) == ("darker = worse (higher values)")
    assert (
        maps.direction_words(
            "higher_is_worse", "level", "Index of Multiple Deprivation score (IoD2025)", "score"
        )
        == "darker = more deprived (higher values)"
    )
    assert (
        maps.direction_words(
            "higher_is_better", "level", "IMD decile", "national decile (1 = most deprived)"
        )
        == "darker = more deprived (decile 1 darkest)"
    )
    assert maps.direction_words("higher_is_better", "level", "Life expectancy", "years") == (
        "darker = worse (lower values)"
    )
    assert maps.direction_words("no_judgement", "context", "White residents", "%") == (
        "darker = higher; neither better nor worse"
    )
    assert maps.value_direction("higher_is_better", "level", "Life expectancy", "years") == (
        "lower = worse"
    )
    # the map image's legend, and the live map's legend text, say it
    out = tmp_path / "map.pdf"
    state = view_state.ViewState(show="no_car", level="lsoa")
    exports.render_map(con, load_framework(), state, Scenario("Equal weights"), out, "a4")
    assert "darker = worse (higher values)" in flat(pdf_text(out))
    from arp import map_views

    framework = load_framework()
    view = map_views.view_for(con, framework, state, Scenario("Equal weights"))
    spec = maps.choropleth(
        view.frame,
        view.title,
        view.unit,
        view.polarity,
        view.kind,
        [[] for _ in range(len(view.frame))],
        "quantiles",
        "source",
        geometry_version="v",
    )
    assert spec.data["legend"]["unit"] == "% of households · darker = worse (higher values)"


def test_values_carry_their_unit():
    assert profile_pdf.with_unit(34.06, "% of households") == "34.1%"
    assert profile_pdf.with_unit(0.4, "km") == "0.40 km"
    assert profile_pdf.with_unit(78.26, "years") == "78.3 years"
    assert profile_pdf.with_unit(53.3, "score") == "53.3"
    assert profile_pdf.with_unit(7.0, "national decile (1 = most deprived)", "decile") == (
        "decile 7"
    )
    assert profile_pdf.with_unit(None, "% of households") == "no value"


def text_lines_at(path) -> list[tuple[str, float]]:
    """Each piece of text on the PDF's first page with its height above the page's foot."""
    found: list[tuple[str, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            found.append((text.strip(), tm[5] * cm[3] + cm[5]))

    PdfReader(str(path)).pages[0].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("size", ["slide", "a4"])
def test_every_source_of_a_composite_fits_above_the_link_back(con, tmp_path, monkeypatch, size):
    # A composite names a dozen sources: each must show whole, none under the link line.
    many = [
        f"Source {n}: " + "Contains public sector information, OGL v3.0. " * 3 for n in range(14)
    ]
    monkeypatch.setattr(exports, "attributions", lambda _con, _ids: many)
    out = tmp_path / "map.pdf"
    state = view_state.ViewState(show="overall")
    exports.render_map(con, load_framework(), state, Scenario("Equal weights"), out, size)
    lines = text_lines_at(out)
    link = min(y for text, y in lines if text.startswith("Open this view"))
    sources = [y for text, y in lines if text.startswith("Source ")]
    assert len(sources) == 14  # every one drawn, each starting its own line
    assert min(sources) > link + 5  # all above the link, none printed over it
    assert link > 0
    # and the legend (under the map, in portrait) sits above the whole footer
    footer_top = max(y for text, y in lines if text.startswith("Data: "))
    assert footer_top > max(sources)
    assert min(y for text, y in lines if text == "Suppressed or no data") > footer_top + 5
