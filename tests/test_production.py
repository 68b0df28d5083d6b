"""`arp serve`'s plan before anything starts: the Caddyfile it makes from
deploy/Caddyfile.template (checked by Caddy itself where it is installed), the settings it
refuses and why. tests/browser/test_replicas.py runs the whole recipe."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from arp import cli, production


@pytest.fixture(autouse=True)
def no_serve_settings(monkeypatch):
    for name in (
        "ARP_LISTEN",
        "ARP_TLS_CERT",
        "ARP_TLS_KEY",
        "ARP_REPLICAS",
        "ARP_REPLICA_PORT",
        "ARP_UPSTREAMS",
        "ARP_STICKY_SECRET",
        "ARP_CADDY",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ARP_WORKSHOP_DB", "postgresql://arp@db.internal:5432/workshop")


@pytest.fixture
def certificate(tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("openssl is missing (apt-get install openssl; CI installs it)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


def caddy_accepts(caddyfile: str, tmp_path) -> None:
    """Caddy's own parser takes the file, and `caddy fmt` would not change it."""
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("Caddy is missing (apt-get install caddy; CI installs it)")
    path = tmp_path / "Caddyfile"
    path.write_text(caddyfile)
    checked = subprocess.run(
        [caddy, "validate", "--config", str(path), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert checked.returncode == 0, checked.stderr
    assert "Valid configuration" in checked.stdout + checked.stderr
    formatted = subprocess.run([caddy, "fmt", str(path)], capture_output=True, text=True)
    assert formatted.stdout == caddyfile


def test_three_replicas_on_this_machine_behind_http(tmp_path):
    config, ports = production.plan(3, "postgresql://arp@db.internal:5432/workshop")
    assert ports == [8501, 8502, 8503]
    caddyfile = config.render()
    assert "http://:8080 {" in caddyfile
    assert "\tbind " not in caddyfile  # every interface
    assert "\ttls " not in caddyfile
    assert "reverse_proxy 127.0.0.1:8501 127.0.0.1:8502 127.0.0.1:8503 {" in caddyfile
    assert f"lb_policy cookie arp_replica {config.cookie_secret}" in caddyfile
    assert "encode zstd gzip" in caddyfile
    assert "admin off" in caddyfile
    assert "auto_https off" in caddyfile
    assert "ocsp_stapling off" in caddyfile
    assert config.url() == "http://localhost:8080"
    caddy_accepts(caddyfile, tmp_path)


def test_https_on_one_address_with_the_given_certificate(monkeypatch, certificate, tmp_path):
    cert, key = certificate
    monkeypatch.setenv("ARP_LISTEN", "127.0.0.1:8443")
    monkeypatch.setenv("ARP_TLS_CERT", str(cert))
    monkeypatch.setenv("ARP_TLS_KEY", str(key))
    monkeypatch.setenv("ARP_REPLICA_PORT", "9001")
    monkeypatch.setenv("ARP_STICKY_SECRET", "0123456789abcdef")
    config, ports = production.plan(2, "postgresql://arp@db.internal:5432/workshop")
    caddyfile = config.render()
    assert ports == [9001, 9002]
    assert "https://:8443 {" in caddyfile
    assert "\tbind 127.0.0.1\n" in caddyfile
    assert f'\ttls "{cert}" "{key}"\n' in caddyfile
    assert "lb_policy cookie arp_replica 0123456789abcdef" in caddyfile
    assert config.url() == "https://127.0.0.1:8443"
    caddy_accepts(caddyfile, tmp_path)


def test_a_proxy_for_replicas_on_other_machines_needs_no_local_store(monkeypatch, tmp_path):
    monkeypatch.setenv("ARP_UPSTREAMS", "10.0.0.11:8501, 10.0.0.12:8501")
    config, ports = production.plan(1, tmp_path / "workshop.sqlite3")
    assert ports == []
    assert "reverse_proxy 10.0.0.11:8501 10.0.0.12:8501 {" in config.render()


def test_several_replicas_on_sqlite_are_refused_saying_what_to_use(monkeypatch, tmp_path, capsys):
    store = tmp_path / "workshop.sqlite3"
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(store))
    monkeypatch.setenv("ARP_CADDY", "/nonexistent/caddy")  # nothing may get as far as Caddy
    assert cli.main(["serve", "--replicas", "3"]) == 2
    error = capsys.readouterr().err
    assert f"ARP_WORKSHOP_DB is the SQLite file {store}" in error
    assert "one replica only" in error
    assert "ARP_WORKSHOP_DB=postgresql://" in error
    assert not store.exists()
    production.plan(1, store)  # one replica on SQLite is fine


def test_a_missing_caddy_is_named_before_anything_starts(monkeypatch, capsys):
    monkeypatch.setenv("ARP_CADDY", "/nonexistent/caddy")
    assert cli.main(["serve", "--replicas", "2"]) == 2
    assert "apt-get install caddy" in capsys.readouterr().err


def test_print_config_prints_the_caddyfile(monkeypatch, capsys):
    monkeypatch.setenv("ARP_STICKY_SECRET", "fixed-secret-for-the-test")
    assert cli.main(["serve", "--replicas", "2", "--print-config"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# The reverse proxy of the production recipe")
    assert "reverse_proxy 127.0.0.1:8501 127.0.0.1:8502 {" in printed
    assert "lb_policy cookie arp_replica fixed-secret-for-the-test" in printed
    assert "$" not in printed  # every placeholder filled


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"ARP_TLS_CERT": "/etc/ssl/cert.pem"}, "both ARP_TLS_CERT and ARP_TLS_KEY"),
        (
            {"ARP_TLS_CERT": "/nonexistent/cert.pem", "ARP_TLS_KEY": "/nonexistent/key.pem"},
            "no such certificate or key file: /nonexistent/cert.pem",
        ),
        ({"ARP_LISTEN": "localhost"}, "is not [host]:port"),
        ({"ARP_LISTEN": ":99999"}, "is not [host]:port"),
        ({"ARP_STICKY_SECRET": "two words"}, "letters, digits"),
    ],
)
def test_settings_that_cannot_work_are_refused(monkeypatch, settings, message):
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(production.ServeError, match=message.replace("[", r"\[")):
        production.plan(2, "postgresql://arp@db.internal:5432/workshop")


@pytest.mark.parametrize(
    ("listen", "parsed"),
    [(":8080", ("", 8080)), ("8080", ("", 8080)), ("0.0.0.0:443", ("0.0.0.0", 443)),
     ("[::1]:8443", ("::1", 8443))],
)  # fmt: skip
def test_listen_addresses(listen, parsed):
    assert production.parse_listen(listen) == parsed


def test_messages_never_show_the_store_password():
    shown = production.without_password("postgresql://arp:s3cret@db.internal:5432/workshop")
    assert shown == "postgresql://arp@db.internal:5432/workshop"
