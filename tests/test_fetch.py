"""The downloader against a local server that behaves like each official service
(tests/fake_services.py): ONS Hub exports that answer 202 first, FeatureServer paging,
redirects, 404s, truncated bodies, error pages where a file was expected, and 503s."""

from __future__ import annotations

import dataclasses
import fnmatch
import io
import json
import urllib.parse
import zipfile

import pytest

from arp.fetch import DownloadError, FetchPolicy, download_source, with_base_url
from data_loaders import SOURCES, SOURCES_BY_ID, Download
from tests.conftest import REPO_ROOT
from tests.fake_services import (
    FakeServices,
    Reply,
    feature_layer,
    file,
    hub_status,
    json_reply,
    redirect,
    sequence,
    square,
)

# Small waits and an overall bound, so every test finishes in seconds.
FAST = FetchPolicy(timeout=5, attempts=3, backoff=0.01, poll_interval=0.01, poll_deadline=3)


@pytest.fixture
def services():
    fake = FakeServices().start()
    yield fake
    fake.stop()


def fetch(source_id: str, services: FakeServices, cache, policy: FetchPolicy = FAST):
    source = with_base_url(SOURCES_BY_ID[source_id], services.url)
    return source, download_source(source, cache, show_progress=False, policy=policy)


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def leftovers(cache) -> list[str]:
    return sorted(p.name for p in cache.rglob("*") if p.is_file())


def lsoa_collection(n: int) -> dict:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"LSOA21CD": f"E01{i:06d}", "LSOA21NM": f"Area {i:03d}A"},
                "geometry": square(-1.9 + i * 0.01, 52.4),
            }
            for i in range(n)
        ],
    }


def test_every_declared_download_is_saved_under_a_name_its_loader_finds():
    for source in SOURCES:
        for primary in source.downloads:
            for download in (primary, *primary.alternatives):
                if download.kind == "manual":
                    continue
                # a zip's member lands under its own name; other files under file_name
                name = download.member if download.kind == "zip" else download.file_name
                if name is None:  # members chosen by the loader's own patterns
                    continue
                assert any(fnmatch.fnmatch(name, pattern) for pattern in source.files), (
                    f"{source.id}: {name} matches none of {source.files}"
                )


def test_the_readme_lists_every_source_with_its_fetch_kind():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("### Official downloads", 1)[1].split("###", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    for source in SOURCES:
        row = next((r for r in rows if f"`{source.id}`" in r), None)
        assert row, f"{source.id} is not in the README's Official downloads table"
        kind = row.split("|")[2].strip()
        assert kind.startswith(source.downloads[0].kind), (source.id, kind)
        for alternative in source.downloads[0].alternatives:
            assert f"fallback {alternative.kind}" in kind, (source.id, kind)


# --- ONS Hub: 202 while preparing, then the file -------------------------------------------


def test_hub_item_is_polled_through_202_until_the_file_comes(services, tmp_path):
    source = SOURCES_BY_ID["lsoa21_boundaries"]
    route = path_of(source.downloads[0].url)
    data = json.dumps(lsoa_collection(3)).encode()
    services.routes[route] = sequence(
        json_reply(hub_status("ExportingData", 0), status=202),
        json_reply(hub_status("ExportingData", 60), status=202),
        Reply(200, data, {"Content-Type": "application/geo+json"}),
    )
    source, paths = fetch("lsoa21_boundaries", services, tmp_path)

    assert [p.name for p in paths] == [
        "Lower_layer_Super_Output_Areas_December_2021_Boundaries_EW_BGC_V5.geojson"
    ]
    assert paths[0].read_bytes() == data  # the data, never the status JSON
    assert len(services.hits(route)) == 3
    assert services.hits(route)[0].query == {"layers": "0", "spatialRefId": "4326"}
    assert leftovers(tmp_path) == [paths[0].name]
    tables = source.run(paths)  # the loader's `files=` pattern and columns fit
    assert tables["boundaries"]["code"].tolist() == ["E01000000", "E01000001", "E01000002"]


def test_hub_status_with_a_result_url_is_followed(services, tmp_path):
    route = path_of(SOURCES_BY_ID["lsoa11_lsoa21_lookup"].downloads[0].url)
    csv = (
        "\ufeffLSOA11CD,LSOA11NM,CHGIND,LSOA21CD,LSOA21NM,LAD22CD,LAD22NM\n"
        "E01000001,City of London 001A,U,E01000001,City of London 001A,E09000001,City of London\n"
    ).encode()
    services.routes["/results/export.csv"] = file(csv, "text/csv")
    services.routes[route] = sequence(
        json_reply(hub_status("Pending"), status=202),
        json_reply(hub_status("Completed", 100, f"{services.url}/results/export.csv")),
    )
    source, paths = fetch("lsoa11_lsoa21_lookup", services, tmp_path)

    assert paths[0].name.startswith("LSOA_(2011)_to_LSOA_(2021)_to_Local_Authority_District")
    assert paths[0].read_bytes() == csv
    assert len(source.run(paths)["lookup"]) == 1


def test_hub_that_never_finishes_stops_at_the_deadline_and_saves_nothing(services, tmp_path):
    route = path_of(SOURCES_BY_ID["msoa21_boundaries"].downloads[0].url)
    services.routes[route] = sequence(json_reply(hub_status("ExportingData", 5), status=202))
    source = SOURCES_BY_ID["msoa21_boundaries"]
    hub_only = dataclasses.replace(
        source, downloads=(dataclasses.replace(source.downloads[0], alternatives=()),)
    )
    policy = dataclasses.replace(FAST, poll_deadline=0.3)
    with pytest.raises(DownloadError, match=r"msoa21_boundaries: the ONS Hub was still preparing"):
        download_source(
            with_base_url(hub_only, services.url), tmp_path, show_progress=False, policy=policy
        )
    assert leftovers(tmp_path) == []


def test_hub_failure_falls_back_to_feature_server_paging(services, tmp_path):
    source = SOURCES_BY_ID["msoa21_boundaries"]
    hub = path_of(source.downloads[0].url)
    layer = path_of(source.downloads[0].alternatives[0].url)
    services.routes[hub] = lambda request: json_reply({"error": "export failed"}, status=500)
    features = [
        {
            "type": "Feature",
            "properties": {"MSOA21CD": f"E02{i:06d}", "MSOA21NM": f"Town {i:03d}"},
            "geometry": square(-1.9, 52.0 + i * 0.01),
        }
        for i in range(5)
    ]
    services.routes[layer + "/query"] = feature_layer(features, max_record_count=2)
    source, paths = fetch("msoa21_boundaries", services, tmp_path)

    assert len(services.hits(hub)) == FAST.attempts  # 500 is retried, then given up
    assert json.loads(paths[0].read_text())["features"] == features
    assert len(source.run(paths)["boundaries"]) == 5


# --- FeatureServer paging ------------------------------------------------------------------


def ward_features(n: int) -> list[dict]:
    return [
        {
            "type": "Feature",
            "properties": {
                "FID": i + 1,
                "WD25CD": f"E05{i:06d}",
                "WD25NM": f"Ward {i}",
                "LAD25CD": "E08000025",
            },
            "geometry": square(-2.0 + (i % 50) * 0.002, 52.0 + (i // 50) * 0.002),
        }
        for i in range(n)
    ]


def test_feature_server_pages_2500_features_in_pages_of_1000(services, tmp_path):
    layer = path_of(SOURCES_BY_ID["ward25_boundaries"].downloads[0].url)
    features = ward_features(2500)
    services.routes[layer + "/query"] = feature_layer(features, max_record_count=1000)
    source, paths = fetch("ward25_boundaries", services, tmp_path)

    pages = [r for r in services.hits(layer + "/query") if "resultOffset" in r.query]
    assert [r.query["resultOffset"] for r in pages] == ["0", "1000", "2000"]
    assert all(r.query["f"] == "geojson" and r.query["outSR"] == "4326" for r in pages)
    assert paths[0].name == "WD_MAY_2025_UK_BGC_V2.geojson"  # matches the loader's pattern
    merged = json.loads(paths[0].read_text())
    assert merged["type"] == "FeatureCollection"
    assert [f["properties"]["WD25CD"] for f in merged["features"]] == [
        f["properties"]["WD25CD"] for f in features
    ]
    assert len(source.run(paths)["boundaries"]) == 2500


def test_feature_server_table_becomes_the_lookup_csv(services, tmp_path):
    layer = path_of(SOURCES_BY_ID["lsoa21_ward25_lookup"].downloads[0].url)
    rows = [
        {
            "properties": {
                "LSOA21CD": f"E01{i:06d}",
                "LSOA21NM": f"Area {i}A",
                "WD25CD": f"E05{i // 5:06d}",
                "WD25NM": f"Ward {i // 5}",
                "LAD25CD": "E08000025",
                "LAD25NM": "Birmingham",
                "ObjectId": i + 1,
            }
        }
        for i in range(2500)
    ]
    services.routes[layer + "/query"] = feature_layer(rows, max_record_count=1000)
    source, paths = fetch("lsoa21_ward25_lookup", services, tmp_path)

    pages = [r for r in services.hits(layer + "/query") if "resultOffset" in r.query]
    assert [(r.query["resultOffset"], r.query["f"]) for r in pages] == [
        ("0", "json"),
        ("1000", "json"),
        ("2000", "json"),
    ]
    assert pages[0].query["orderByFields"] == "LSOA21CD"
    assert paths[0].name == (
        "LSOA_(2021)_to_Electoral_Ward_(2025)_to_LAD_(2025)_Best_Fit_Lookup_in_EW_v2.csv"
    )
    lookup = source.run(paths)["lookup"]
    assert len(lookup) == 2500
    assert set(lookup["ward_year"]) == {2025}


def test_feature_server_count_mismatch_fails_and_saves_nothing(services, tmp_path):
    layer = path_of(SOURCES_BY_ID["ward22_boundaries"].downloads[0].url)
    services.routes[layer + "/query"] = feature_layer(ward_features(30), count=31)
    with pytest.raises(
        DownloadError, match=r"ward22_boundaries: .* sent 30 features but counts 31"
    ):
        fetch("ward22_boundaries", services, tmp_path)
    assert leftovers(tmp_path) == []


def test_feature_server_error_inside_http_200_names_the_service(services, tmp_path):
    source = SOURCES_BY_ID["ward22_boundaries"]
    layer = path_of(source.downloads[0].url)
    services.routes[layer + "/query"] = lambda r: json_reply(
        {"error": {"code": 400, "message": "Invalid or missing input parameters."}}
    )
    with pytest.raises(DownloadError, match=r"ArcGIS error 400: Invalid or missing input"):
        fetch("ward22_boundaries", services, tmp_path)
    assert leftovers(tmp_path) == []


# --- plain files: redirects, 404, truncation, error pages, retries -------------------------

LIBRARIES_CSV = b"\xef\xbb\xbfname,authority,postcode,type,closed\nA Library,Birmingham,B1 1AA,Static Library,\n"


def test_a_redirect_is_followed(services, tmp_path):
    route = path_of(SOURCES_BY_ID["libraries"].downloads[0].url)
    services.routes[route] = redirect("/moved/libraries_england_2023.csv", status=301)
    services.routes["/moved/libraries_england_2023.csv"] = file(LIBRARIES_CSV, "text/csv")
    _, paths = fetch("libraries", services, tmp_path)
    assert paths[0].name == "libraries_england_2023.csv"
    assert paths[0].read_bytes() == LIBRARIES_CSV


def test_404_names_the_source_and_the_address_and_is_not_retried(services, tmp_path):
    source = SOURCES_BY_ID["msoa_names"]
    route = path_of(source.downloads[0].url)
    with pytest.raises(DownloadError) as raised:
        fetch("msoa_names", services, tmp_path)
    message = str(raised.value)
    assert message.startswith("msoa_names: ")
    assert f"{services.url}{route} answered HTTP 404" in message
    assert source.landing_page in message
    assert len(services.hits(route)) == 1
    assert leftovers(tmp_path) == []


def test_a_truncated_body_fails_and_nothing_is_saved(services, tmp_path):
    route = path_of(SOURCES_BY_ID["msoa_names"].downloads[0].url)
    services.routes[route] = lambda r: Reply(200, b"msoa21cd,msoa21nm\nE02", announce=5000)
    with pytest.raises(DownloadError, match=r"msoa_names: .*received 21 of the 5,000 bytes"):
        fetch("msoa_names", services, tmp_path)
    assert len(services.hits(route)) == FAST.attempts
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize(
    ("body", "content_type", "looks"),
    [
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "text/html", "HTML"),
        (b'{"error": "report not found"}', "application/json", "JSON"),
    ],
)
def test_an_error_page_where_a_csv_was_expected_fails(
    services, tmp_path, body, content_type, looks
):
    route = path_of(SOURCES_BY_ID["gp_practices"].downloads[0].url)
    services.routes[route] = file(body, content_type)
    with pytest.raises(DownloadError, match=rf"gp_practices: .*not a CSV file: it is .*{looks}"):
        fetch("gp_practices", services, tmp_path)
    assert leftovers(tmp_path) == []


def test_the_ods_report_is_a_headerless_csv_saved_under_the_loader_name(services, tmp_path):
    source = SOURCES_BY_ID["pharmacies"]
    route = path_of(source.downloads[0].url)
    assert source.downloads[0].url.endswith("/api/getReport?report=edispensary")
    row = ['"FA001"', '"TEST PHARMACY"'] + ['""'] * 7 + ['"B1 1AA"'] + ['""'] * 2
    row += ['"A"', '"1"'] + ['""'] * 13
    services.routes[route] = file((",".join(row) + "\n").encode(), "text/csv")
    source, paths = fetch("pharmacies", services, tmp_path)
    assert services.hits(route)[0].query == {"report": "edispensary"}
    assert [p.name for p in paths] == ["edispensary.csv"]
    assert source.run(paths)["services"]["name"].tolist() == ["TEST PHARMACY"]


def test_503_is_retried_then_the_file_is_saved(services, tmp_path):
    route = path_of(SOURCES_BY_ID["libraries"].downloads[0].url)
    services.routes[route] = sequence(
        Reply(503, b"busy", {"Retry-After": "0"}), Reply(200, LIBRARIES_CSV)
    )
    _, paths = fetch("libraries", services, tmp_path)
    assert len(services.hits(route)) == 2
    assert paths[0].read_bytes() == LIBRARIES_CSV


def test_an_unusable_first_download_falls_back_to_the_declared_alternative(services, tmp_path):
    source = SOURCES_BY_ID["hospitals"]
    legacy = path_of(source.downloads[0].url)
    pinned = path_of(source.downloads[0].alternatives[0].url)
    services.routes[legacy] = file(b"<html>NHS website</html>", "text/html")
    services.routes[pinned] = file("OrganisationCode¬OrganisationName\n".encode("cp1252"))
    _, paths = fetch("hospitals", services, tmp_path)
    assert len(services.hits(legacy)) == 1
    assert paths[0].read_bytes().startswith(b"OrganisationCode")


# --- zips ------------------------------------------------------------------------------------


def zip_bytes(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
    return buffer.getvalue()


def test_only_the_wanted_zip_member_is_extracted(services, tmp_path):
    route = path_of(SOURCES_BY_ID["census_ts021_msoa"].downloads[0].url)
    msoa = b"date,geography,geography code,Ethnic group: Total: All usual residents\n"
    services.routes[route] = file(
        zip_bytes(
            {
                "census2021-ts021-ctry.csv": b"x",
                "census2021-ts021-lsoa.csv": b"y",
                "census2021-ts021-msoa.csv": msoa,
            }
        ),
        "application/zip",
    )
    _, paths = fetch("census_ts021_msoa", services, tmp_path)
    assert [p.name for p in paths] == ["census2021-ts021-msoa.csv"]
    assert paths[0].read_bytes() == msoa
    assert leftovers(tmp_path) == ["census2021-ts021-msoa.csv", "census2021-ts021.zip"]


def test_a_zip_that_is_not_a_zip_fails(services, tmp_path):
    route = path_of(SOURCES_BY_ID["census_ts045_lsoa"].downloads[0].url)
    services.routes[route] = file(b"<html>maintenance</html>", "text/html")
    with pytest.raises(DownloadError, match=r"census_ts045_lsoa: .*not a zip file"):
        fetch("census_ts045_lsoa", services, tmp_path)
    assert leftovers(tmp_path) == []


def test_a_manual_download_says_what_to_do(tmp_path):
    source = dataclasses.replace(
        SOURCES_BY_ID["hospitals"],
        downloads=(
            Download(
                url="https://example.org/",
                file_name="Hospital.csv",
                kind="manual",
                instructions="Ask the publisher for the file.",
            ),
        ),
    )
    with pytest.raises(DownloadError, match=r"hospitals: there is no automatic download\. Ask"):
        download_source(source, tmp_path, show_progress=False, policy=FAST)
