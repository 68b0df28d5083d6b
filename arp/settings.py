"""Configuration in one place: every environment variable the product reads."""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_BUNDLED = _PACKAGE / "_app"
# The app's own files (app.py, pages/, queries/, data/framework.toml, .streamlit/): at the top
# of a checkout; installed from a wheel, the same layout inside the package, as arp/_app/
# (pyproject.toml maps them there).
INSTALLED = (_BUNDLED / "app.py").is_file()
APP_ROOT = _BUNDLED if INSTALLED else _PACKAGE.parent
QUERIES_DIR = APP_ROOT / "queries"
FRAMEWORK_PATH = APP_ROOT / "data" / "framework.toml"
REPO_ROOT = APP_ROOT  # the earlier name, for code written against it

# The English combined authorities this product knows by name. The ONS LAD-to-CAUTH
# lookup is not among the staged files, so membership comes from this small table of
# public codes; extend it (or add the lookup as a source) to cover another authority.
COMBINED_AUTHORITIES: dict[str, tuple[str, frozenset[str]]] = {
    "E47000007": (
        "West Midlands Combined Authority",
        frozenset(
            {
                "E08000025",
                "E08000026",
                "E08000027",
                "E08000028",
                "E08000029",
                "E08000030",
                "E08000031",
            }
        ),
    ),
}


COMBINED_AUTHORITY_DEFAULT = "E47000007"


def _home(variable: str, fallback: str) -> Path:
    """A per-user folder for an installed app (XDG base directories): never site-packages."""
    base = os.environ.get(variable, "").strip()
    return (Path(base) if base else Path.home() / fallback).expanduser() / "arp"


def data_dir() -> Path:
    """Where the databases live by default: data/ in a checkout, else ~/.local/share/arp."""
    return APP_ROOT / "data" if not INSTALLED else _home("XDG_DATA_HOME", ".local/share")


def database_path() -> Path:
    """The public-data DuckDB file (ARP_DB), rebuilt by `arp build`."""
    return Path(os.environ.get("ARP_DB", data_dir() / "arp.duckdb")).expanduser()


def source_dir() -> Path | None:
    """A folder of official source files to read instead of downloading (ARP_SOURCE_DIR)."""
    value = os.environ.get("ARP_SOURCE_DIR", "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where downloaded official files are kept between builds (ARP_CACHE_DIR): data/cache/ in
    a checkout, else ~/.cache/arp."""
    default = APP_ROOT / "data" / "cache" if not INSTALLED else _home("XDG_CACHE_HOME", ".cache")
    return Path(os.environ.get("ARP_CACHE_DIR", default)).expanduser()


def workshop_database_path() -> Path | str:
    """The workshop store (ARP_WORKSHOP_DB): sessions, insights, moderation log, votes and
    weighting scenarios; never touched by `arp build`. A path is a SQLite file (the default,
    workshop.sqlite3 beside the public database); a `postgresql://` URL is a PostgreSQL
    database. A DuckDB file of earlier versions, named here or left at the old default
    place, is migrated to SQLite beside it on first open (arp.workshop.resolve)."""
    value = os.environ.get("ARP_WORKSHOP_DB", "").strip()
    if value.startswith("postgresql"):
        return value
    if value:
        return Path(value).expanduser()
    default = data_dir() / "workshop.sqlite3"
    legacy = data_dir() / "workshop.duckdb"
    return legacy if legacy.exists() and not default.exists() else default


def workshop_store_url() -> Path | str:
    """The same as workshop_database_path(), by the name that says it may be a URL."""
    return workshop_database_path()


def app_dir() -> Path:
    """The folder `streamlit run` starts the app from: Streamlit serves its static/ folder
    (Leaflet) and finds pages/ beside its app.py. The checkout itself; for an installed app,
    a folder in the cache that links to the packaged files (arp app sets it up), because
    site-packages is no place to download Leaflet into."""
    return APP_ROOT if not INSTALLED else cache_dir() / "app"


def leaflet_dir() -> Path:
    """Leaflet's dist/ files as the app serves them at /app/static/vendor/leaflet/."""
    return app_dir() / "static" / "vendor" / "leaflet"


PUBLIC_URL_DEFAULT = "http://localhost:8501"


def public_url() -> str:
    """The app's address, for links and QR codes on exports and join links (ARP_PUBLIC_URL)."""
    return os.environ.get("ARP_PUBLIC_URL", PUBLIC_URL_DEFAULT)


def privacy_contact() -> str | None:
    """Who participants ask to remove a note, as the privacy notice prints it
    (ARP_PRIVACY_CONTACT: an email address, a phone number or a postal address)."""
    return " ".join(os.environ.get("ARP_PRIVACY_CONTACT", "").split()) or None


def facilitator_password_hash_from_environment() -> str | None:
    """The shared facilitator password's hash of earlier versions
    (ARP_FACILITATOR_PASSWORD_HASH), if set: it signs in only while the workshop store has
    no named account (arp.facilitators). Streamlit secrets are the other place it can be
    (arp.ui.signin reads those)."""
    return os.environ.get("ARP_FACILITATOR_PASSWORD_HASH") or None


def configure_logging() -> None:
    """The app's own log lines (who changed what, failed sign-ins, lock-outs, builds) on
    stderr beside Streamlit's, at INFO and above. Safe to call on every run."""
    logger = logging.getLogger("arp")
    if any(getattr(handler, "arp_handler", False) for handler in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.arp_handler = True  # type: ignore[attr-defined]
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


# --- the production recipe: `arp serve`, a reverse proxy in front of replicas -------------


def proxy_listen() -> str:
    """Where the proxy listens (ARP_LISTEN): `:8080` on every interface, or `host:port`."""
    return os.environ.get("ARP_LISTEN", "").strip() or ":8080"


def tls_files() -> tuple[Path | None, Path | None]:
    """The proxy's PEM certificate and key (ARP_TLS_CERT, ARP_TLS_KEY): HTTPS when both set."""
    cert, key = (os.environ.get(name, "").strip() for name in ("ARP_TLS_CERT", "ARP_TLS_KEY"))
    return (Path(cert).expanduser() if cert else None, Path(key).expanduser() if key else None)


def replica_count() -> int:
    """How many app processes `arp serve` starts on this machine (ARP_REPLICAS)."""
    return int(os.environ.get("ARP_REPLICAS", "").strip() or "1")


def replica_first_port() -> int:
    """The loopback port of the first replica (ARP_REPLICA_PORT); the others follow it."""
    return int(os.environ.get("ARP_REPLICA_PORT", "").strip() or "8501")


def upstreams() -> list[str]:
    """Replicas on other machines, `host:port,host:port` (ARP_UPSTREAMS): the proxy only."""
    value = os.environ.get("ARP_UPSTREAMS", "")
    return [part.strip() for part in value.split(",") if part.strip()]


def sticky_cookie_secret() -> str | None:
    """The key the proxy signs its replica cookie with (ARP_STICKY_SECRET); unset, a new one
    each start. Set it where several proxies or restarts must keep people on their replica."""
    return os.environ.get("ARP_STICKY_SECRET", "").strip() or None


def caddy_binary() -> str:
    """The Caddy executable (ARP_CADDY): `caddy` on the PATH (Debian: apt-get install caddy)."""
    return os.environ.get("ARP_CADDY", "").strip() or "caddy"
