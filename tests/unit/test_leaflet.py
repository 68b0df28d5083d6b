"""Leaflet fetched once from the npm registry, its hash checked: here on made-up tarballs,
with no network."""

from __future__ import annotations

import base64
import hashlib
import io
import tarfile
import urllib.error

import pytest

from arp import leaflet


def tarball(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


LEAFLET = {
    "package/package.json": b"{}",
    "package/dist/leaflet.js": b"window.L = {};",
    "package/dist/leaflet.css": b".leaflet-pane {}",
    "package/dist/images/layers.png": b"png",
    "package/src/Leaflet.js": b"// not served",
}


def integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class Response(io.BytesIO):
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def serving(data: bytes, seen: list | None = None):
    def opener(request, timeout):
        if seen is not None:
            seen.append(request.full_url)
        return Response(data)

    return opener


def offline(request, timeout):
    raise urllib.error.URLError("no network")


def test_the_published_tarball_is_checked_and_only_dist_is_kept(tmp_path, monkeypatch):
    data = tarball(LEAFLET)
    monkeypatch.setattr(leaflet, "INTEGRITY", integrity(data))
    seen: list[str] = []
    folder = tmp_path / "static" / "vendor" / "leaflet"
    assert leaflet.fetch(folder, serving(data, seen)) is True
    assert seen == ["https://registry.npmjs.org/leaflet/-/leaflet-1.9.4.tgz"]
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [
        "images/layers.png",
        "leaflet.css",
        "leaflet.js",
    ]
    assert leaflet.fetch(folder, offline) is False  # fetched once: no second download
    assert [p.name for p in folder.parent.iterdir()] == ["leaflet"]  # no staging left behind


def test_a_tarball_that_does_not_match_the_published_hash_is_refused(tmp_path):
    folder = tmp_path / "leaflet"
    with pytest.raises(leaflet.LeafletError, match="does not match the hash npm publishes"):
        leaflet.fetch(folder, serving(tarball(LEAFLET)))
    assert not folder.exists()


def test_paths_that_climb_out_of_the_folder_are_refused(tmp_path):
    data = tarball({**LEAFLET, "package/dist/../../../escaped.js": b"x"})
    with pytest.raises(leaflet.LeafletError, match="unsafe path"):
        leaflet.extract(data, tmp_path / "leaflet")
    assert not (tmp_path / "escaped.js").exists()
    assert not (tmp_path / "leaflet").exists()


def test_the_pinned_hash_is_npms_for_leaflet_1_9_4():
    assert leaflet.TARBALL.endswith("/leaflet-1.9.4.tgz")
    assert leaflet.INTEGRITY.startswith("sha512-")
    assert len(base64.b64decode(leaflet.INTEGRITY.removeprefix("sha512-"))) == 64


@pytest.mark.parametrize(
    ("cdn", "expected"),
    [(True, "load it from its CDN"), (False, "maps will not draw")],
)
def test_without_the_registry_the_app_says_what_the_maps_will_do(tmp_path, cdn, expected):
    def opener(request, timeout):
        if cdn and request.get_method() == "HEAD":
            return Response(b"")
        raise urllib.error.URLError("no network")

    said: list[str] = []
    leaflet.ensure(tmp_path / "leaflet", said.append, opener)
    assert len(said) == 1
    assert expected in said[0]
    assert "could not download https://registry.npmjs.org/" in said[0]
