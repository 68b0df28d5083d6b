"""`arp sources check` against a local server: good, 404, unreachable, and offline."""

from __future__ import annotations

import socket
import urllib.parse

import pytest

from arp import cli, source_check
from arp.fetch import with_base_url
from data_loaders import SOURCES_BY_ID
from tests.fake_services import FakeServices, Reply, feature_layer, hub_status, json_reply


@pytest.fixture
def services():
    fake = FakeServices().start()
    yield fake
    fake.stop()


@pytest.fixture
def dead_url():
    """An address on this machine that nothing answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        port = listener.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def path_of(url: str) -> str:
    return urllib.parse.urlsplit(url).path


def test_check_reports_good_404_and_unreachable(services, dead_url, monkeypatch, capsys):
    good = with_base_url(SOURCES_BY_ID["msoa_names"], services.url)
    missing = with_base_url(SOURCES_BY_ID["iod2025_file1"], services.url)
    unreachable = with_base_url(SOURCES_BY_ID["libraries"], dead_url)
    services.routes[path_of(good.downloads[0].url)] = lambda r: Reply(
        200, b"x" * 1234, {"Last-Modified": "Tue, 01 Apr 2025 10:00:00 GMT"}
    )
    monkeypatch.setattr(
        source_check, "declared_sources", lambda only=None: [good, missing, unreachable]
    )

    code = cli.main(["sources", "check", "--timeout", "2"])
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[1:4]}

    assert code == 1  # a declared source is broken
    assert out.splitlines()[0].split()[:4] == ["source", "fetch", "kind", "reachable"]
    assert rows["msoa_names"][1:5] == ["direct", "yes", "200", "1.2"]
    assert "Tue, 01 Apr 2025 10:00:00 GMT" in out
    assert rows["iod2025_file1"][1:4] == ["direct", "no", "404"]
    assert rows["libraries"][1:3] == ["direct", "no"]
    assert "no answer" in out
    assert "1 source(s) reachable, 2 not: iod2025_file1, libraries" in out
    head = services.hits(path_of(good.downloads[0].url))
    assert [r.method for r in head] == ["HEAD"]  # nothing downloaded


def test_head_refused_falls_back_to_a_one_byte_range(services):
    source = with_base_url(SOURCES_BY_ID["iod2025_file3"], services.url)
    route = path_of(source.downloads[0].url)

    def answer(request):
        if request.method == "HEAD":
            return Reply(405, b"")
        assert request.headers.get("Range") == "bytes=0-0"
        return Reply(206, b"P", {"Content-Range": "bytes 0-0/2280066"})

    services.routes[route] = answer
    (result,) = source_check.check_sources([source], timeout=2)
    assert (result.reachable, result.status, result.size) == (True, 206, "2.3 MB")


def test_feature_server_and_hub_items_are_asked_their_own_way(services):
    layer = with_base_url(SOURCES_BY_ID["ward25_boundaries"], services.url)
    hub = with_base_url(SOURCES_BY_ID["lsoa11_lsoa21_lookup"], services.url)
    layer_path = path_of(layer.downloads[0].url)
    services.routes[layer_path + "/query"] = feature_layer([{"properties": {}}] * 8400)
    services.routes[layer_path] = lambda r: json_reply(
        {"name": "WD_MAY_2025_UK_BGC_V2", "editingInfo": {"lastEditDate": 1746057600000}}
    )
    services.routes[path_of(hub.downloads[0].url)] = lambda r: json_reply(
        hub_status("Completed", 100, f"{services.url}/results/lookup.csv")
    )
    services.routes["/results/lookup.csv"] = lambda r: Reply(200, b"a" * 3_000_000)

    results = {(r.source_id, r.alternative): r for r in source_check.check_sources([layer, hub])}

    ward = results[("ward25_boundaries", 0)]
    assert (ward.kind, ward.reachable, ward.size) == ("feature_server", True, "8,400 features")
    assert ward.last_modified == "Thu, 01 May 2025 00:00:00 GMT"
    count_query = services.hits(layer_path + "/query")[0].query
    assert count_query == {"where": "1=1", "returnCountOnly": "true", "f": "json"}
    item = results[("lsoa11_lsoa21_lookup", 0)]
    assert (item.kind, item.reachable, item.size) == ("ons_hub_item", True, "3.0 MB")
    assert services.hits(path_of(hub.downloads[0].url))[0].query["redirect"] == "false"
    fallback = results[("lsoa11_lsoa21_lookup", 1)]  # its FeatureServer alternative: 404 here
    assert (fallback.kind, fallback.reachable) == ("feature_server", False)


def test_offline_says_so_and_fails_only_when_strict(dead_url, monkeypatch, capsys):
    offline = [with_base_url(SOURCES_BY_ID[i], dead_url) for i in ("msoa_names", "libraries")]
    monkeypatch.setattr(source_check, "declared_sources", lambda only=None: offline)

    assert cli.main(["sources", "check", "--timeout", "2"]) == 0
    assert capsys.readouterr().out.startswith("Offline: none of the 2 declared download")
    assert cli.main(["sources", "check", "--timeout", "2", "--strict"]) == 1
