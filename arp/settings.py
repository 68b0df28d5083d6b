"""Configuration in one place: every environment variable the product reads."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
QUERIES_DIR = REPO_ROOT / "queries"

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


def database_path() -> Path:
    """The public-data DuckDB file (ARP_DB), rebuilt by `arp build`."""
    return Path(os.environ.get("ARP_DB", REPO_ROOT / "data" / "arp.duckdb")).expanduser()


def source_dir() -> Path | None:
    """A folder of official source files to read instead of downloading (ARP_SOURCE_DIR)."""
    value = os.environ.get("ARP_SOURCE_DIR", "").strip()
    return Path(value).expanduser() if value else None


def cache_dir() -> Path:
    """Where downloaded official files are kept between builds (ARP_CACHE_DIR)."""
    return Path(os.environ.get("ARP_CACHE_DIR", REPO_ROOT / "data" / "cache")).expanduser()


def workshop_database_path() -> Path:
    """The workshop DuckDB file (ARP_WORKSHOP_DB): sessions, insights, moderation log, votes
    and weighting scenarios. Never touched by `arp build`."""
    return Path(
        os.environ.get("ARP_WORKSHOP_DB", REPO_ROOT / "data" / "workshop.duckdb")
    ).expanduser()


PUBLIC_URL_DEFAULT = "http://localhost:8501"


def public_url() -> str:
    """The app's address, for links and QR codes on exports and join links (ARP_PUBLIC_URL)."""
    return os.environ.get("ARP_PUBLIC_URL", PUBLIC_URL_DEFAULT)


def facilitator_password_hash_from_environment() -> str | None:
    """The facilitators' password hash (ARP_FACILITATOR_PASSWORD_HASH), if set; Streamlit
    secrets are the other place it can be (arp.ui.signin reads those)."""
    return os.environ.get("ARP_FACILITATOR_PASSWORD_HASH") or None
