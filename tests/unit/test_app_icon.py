"""The browser tab's icon, fetched once from the npm registry with its hash checked (as
Leaflet is): here on made-up tarballs, with no network."""

from __future__ import annotations

import base64

import pytest

from arp import app_icon
from tests.unit.test_leaflet import integrity, offline, serving, tarball

SVG = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 -960 960 960"><path d="M0 0"/></svg>'
PACKAGE = {
    "package/package.json": b"{}",
    "package/LICENSE": b"Apache License, Version 2.0",
    "package/rounded/diversity_3.svg": SVG,
    "package/rounded/home.svg": SVG,
    "package/outlined/diversity_3.svg": SVG,
}


def test_only_the_icon_and_its_licence_are_kept_and_fetched_once(tmp_path, monkeypatch):
    data = tarball(PACKAGE)
    monkeypatch.setattr(app_icon, "INTEGRITY", integrity(data))
    seen: list[str] = []
    folder = tmp_path / "static" / "vendor" / "material-symbols"
    assert app_icon.page_icon(folder) is None  # Streamlit's own icon until fetched
    assert app_icon.fetch(folder, serving(data, seen)) is True
    assert seen == ["https://registry.npmjs.org/@material-symbols/svg-400/-/svg-400-0.47.5.tgz"]
    assert sorted(p.name for p in folder.iterdir()) == ["LICENSE", "diversity_3.svg"]
    assert (folder / "diversity_3.svg").read_bytes() == SVG
    assert app_icon.page_icon(folder) == str(folder / "diversity_3.svg")
    assert app_icon.fetch(folder, offline) is False  # no second download
    assert [p.name for p in folder.parent.iterdir()] == ["material-symbols"]  # no staging left


def test_a_tarball_that_does_not_match_the_published_hash_is_refused(tmp_path):
    folder = tmp_path / "material-symbols"
    with pytest.raises(app_icon.IconError, match="does not match the hash npm publishes"):
        app_icon.fetch(folder, serving(tarball(PACKAGE)))
    assert not folder.exists()


def test_a_tarball_without_the_icon_is_refused(tmp_path, monkeypatch):
    data = tarball({k: v for k, v in PACKAGE.items() if "rounded/diversity_3" not in k})
    monkeypatch.setattr(app_icon, "INTEGRITY", integrity(data))
    with pytest.raises(app_icon.IconError, match=r"lacks diversity_3\.svg"):
        app_icon.fetch(tmp_path / "material-symbols", serving(data))
    assert not (tmp_path / "material-symbols").exists()


def test_offline_the_app_says_so_and_keeps_streamlit_s_icon(tmp_path):
    said: list[str] = []
    app_icon.ensure(tmp_path / "material-symbols", said.append, offline)
    assert len(said) == 1
    assert "could not download https://registry.npmjs.org/" in said[0]
    assert "Streamlit's icon" in said[0]


def test_the_pinned_hash_is_a_sha512():
    assert app_icon.INTEGRITY.startswith("sha512-")
    assert len(base64.b64decode(app_icon.INTEGRITY.removeprefix("sha512-"))) == 64
