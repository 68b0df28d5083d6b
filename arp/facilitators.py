"""Facilitator accounts, their sign-ins, and the throttle on wrong passwords. Plain Python on
the workshop store: arp.ui.signin is the Streamlit side, `arp facilitator` the command line.

- **Accounts**: a name and a PBKDF2-SHA256 hash of the password, with its own random salt and
  its iteration count stored beside it (so the count can rise later without locking anyone
  out). Passwords are compared in constant time, and a name that has no account costs the
  same hashing as one that has, so the time taken does not say which names exist.
- **Sign-ins** live in the store (facilitator_signins): signing out, removing the account or
  the sign-in expiring (SIGNIN_HOURS) ends one on every replica at once. The browser holds
  only a cookie naming a sign-in: `v1.<id>.<expiry>.<secret>.<hmac>`, HMAC-SHA256-signed with
  a key kept in the store (signin_keys, shared by replicas); the store keeps a SHA-256 of the
  secret, never the secret. The cookie is made by exchanging a one-time handoff code (valid
  for HANDOFF_SECONDS) at an HTTP route, so it can be HttpOnly: page scripts never see it.
- **Throttling**: every attempt is counted as a failure before the password is checked (so
  attempts racing in parallel still count), and the count is cleared by a success. After a
  failure the next attempt waits 1 s, then 2, 4, 8 ...; LOCKOUT_AFTER failures within the
  window lock the account, and separately the client (the browser session, never an IP
  address), for the lock-out period. While waiting or locked the password is not checked.
- **The shared password of earlier versions** (ARP_FACILITATOR_PASSWORD_HASH) still signs in
  while the store has no named account, as the account SHARED_PASSWORD_NAME, so log lines
  say truthfully that nobody in particular acted; the first named account ends it.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from sqlalchemy import text
from sqlalchemy.engine import Connection

from arp import insights, workshop
from arp.workshop import Store

log = logging.getLogger(__name__)

HASH_SCHEME = "pbkdf2_sha256"
ITERATIONS = 600_000  # OWASP's 2023 figure for PBKDF2-HMAC-SHA256; about 0.15 s here
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # hashing a megabyte on every guess would be a cheap attack
SIGNIN_HOURS = 12  # a workshop day; then sign in again
HANDOFF_SECONDS = 60
SHARED_PASSWORD_NAME = "shared password"
NAME_PATTERN = re.compile(r"^[\w][\w .'-]{0,63}$")
TOKEN_VERSION = "v1"
_KEY_NAME = "signin-cookie"


class AccountError(ValueError):
    """An account change was refused; the message says why."""


@dataclass(frozen=True)
class Account:
    name: str
    created_at: datetime
    last_signed_in_at: datetime | None


@dataclass(frozen=True)
class Signin:
    signin_id: str
    name: str
    expires_at: datetime


@dataclass(frozen=True)
class ThrottlePolicy:
    first_delay_seconds: float = 1.0  # after one failure; doubles with each further one
    max_delay_seconds: float = 60.0
    lockout_after: int = 5  # failures within the window
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)

    def delay(self, failures: int) -> timedelta:
        """How long after the latest of `failures` recent failures the next try may come."""
        if failures <= 0:
            return timedelta(0)
        seconds = self.first_delay_seconds * 2 ** (failures - 1)
        return timedelta(seconds=min(seconds, self.max_delay_seconds))


POLICY = ThrottlePolicy()


@dataclass(frozen=True)
class Attempt:
    """What a sign-in attempt came to. `retry_at`: when the next may be tried (refused or
    wrong); `locked`: the wait is a lock-out; `handoff`: the one-time code for the cookie."""

    outcome: Literal["signed in", "wrong", "refused"]
    name: str | None = None
    signin_id: str | None = None
    handoff: str | None = None
    retry_at: datetime | None = None
    locked: bool = False


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


def _aware(moment: datetime | str) -> datetime:
    """A stored time as an aware datetime: SQLite hands back the ISO text it stored (in UTC),
    PostgreSQL a datetime."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


# --- accounts -------------------------------------------------------------------------


def clean_name(name: str) -> str:
    """The name as stored: spaces collapsed; letters, digits, spaces and . ' - _ only (a name
    appears in every log line, so nothing that could forge or break one)."""
    cleaned = " ".join(name.split())
    if not NAME_PATTERN.match(cleaned):
        raise AccountError(
            "a name is 1 to 64 letters, digits, spaces, dots, apostrophes, hyphens or "
            "underscores, starting with a letter or digit"
        )
    if cleaned.casefold() == SHARED_PASSWORD_NAME:
        raise AccountError(f"'{SHARED_PASSWORD_NAME}' is reserved; choose a person's name")
    return cleaned


def name_key(name: str) -> str:
    """Accounts are found by name whatever its case and spacing; throttled on the same key."""
    return " ".join(name.split()).casefold()[:200]


def hash_password(password: str, iterations: int = ITERATIONS) -> tuple[str, int, str, str]:
    """(scheme, iterations, salt hex, hash hex) of a password, with a new random salt."""
    salt = secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    return HASH_SCHEME, iterations, salt.hex(), digest.hex()


def _matches(password: str, scheme: str, iterations: int, salt: str, expected: str) -> bool:
    if scheme != HASH_SCHEME:
        return False
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), iterations)
    return hmac.compare_digest(digest.hex(), expected)


# Checked against when a name has no account: the same work, so timing says nothing.
_NOBODY = (HASH_SCHEME, ITERATIONS, "00" * 16, "00" * 32)


def check_new_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"choose a password of at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"a password is at most {MAX_PASSWORD_LENGTH} characters")


def add_account(
    path: Store,
    name: str,
    password: str,
    *,
    iterations: int = ITERATIONS,
    now: datetime | None = None,
) -> Account:
    """A new named account. The first one ends sign-ins made with the shared password."""
    cleaned = clean_name(name)
    check_new_password(password)
    scheme, iterations, salt, digest = hash_password(password, iterations)
    moment = _now(now)
    with workshop.connect(path) as con:
        inserted = con.execute(
            text(
                """insert into facilitators (name_key, name, hash_scheme, iterations, salt,
                       password_hash, created_at)
                   values (:key, :name, :scheme, :iterations, :salt, :digest, :now)
                   on conflict (name_key) do nothing returning name"""
            ),
            {
                "key": name_key(cleaned),
                "name": cleaned,
                "scheme": scheme,
                "iterations": iterations,
                "salt": salt,
                "digest": digest,
                "now": moment,
            },
        ).scalar_one_or_none()
        if inserted is None:
            raise AccountError(f"there is already an account named {cleaned!r}")
        _revoke_where(con, "name_key = :key", {"key": SHARED_PASSWORD_NAME}, moment)
        workshop.record_action(con, None, "added facilitator", cleaned, moment)
    return Account(cleaned, moment, None)


def remove_account(path: Store, name: str, *, now: datetime | None = None) -> bool:
    """Remove an account and end its sign-ins; False when there was none of that name."""
    moment = _now(now)
    key = name_key(name)
    with workshop.connect(path) as con:
        removed = con.execute(
            text("delete from facilitators where name_key = :key returning name"), {"key": key}
        ).scalar_one_or_none()
        if removed is None:
            return False
        _revoke_where(con, "name_key = :key", {"key": key}, moment)
        workshop.record_action(con, None, "removed facilitator", removed, moment)
    return True


def list_accounts(path: Store) -> list[Account]:
    """Every account by name: when made, when last signed in. Never a hash."""
    if not workshop.exists(path):
        return []
    with workshop.connect(path, write=False) as con:
        rows = con.execute(
            text("select name, created_at, last_signed_in_at from facilitators order by name_key")
        ).fetchall()
    return [
        Account(name, _aware(created), _aware(last) if last else None)
        for name, created, last in rows
    ]


def has_accounts(path: Store) -> bool:
    if not workshop.exists(path):
        return False
    with workshop.connect(path, write=False) as con:
        return con.execute(text("select 1 from facilitators limit 1")).first() is not None


# --- throttling -------------------------------------------------------------------------


def _subjects(key: str, client: str) -> list[tuple[str, str]]:
    return [("account", key), ("client", client[:200])]


def _refusal(
    con: Connection, subjects: Iterable[tuple[str, str]], now: datetime, policy: ThrottlePolicy
) -> tuple[datetime, bool] | None:
    """(until when, locked?) if any subject must wait, the longest wait; else None. A lock
    starts at a failure that made LOCKOUT_AFTER within the window, and lasts its full
    period even as those failures age out of the window."""
    worst: tuple[datetime, bool] | None = None
    for scope, subject in subjects:
        times = [
            _aware(row[0])
            for row in con.execute(
                text(
                    "select failed_at from signin_failures where scope = :scope "
                    "and subject = :subject and failed_at > :since order by failed_at"
                ),
                {"scope": scope, "subject": subject, "since": now - policy.window - policy.lockout},
            )
        ]
        waits = [
            (failed + policy.lockout, True)
            for index, failed in enumerate(times)
            if sum(1 for t in times[: index + 1] if t > failed - policy.window)
            >= policy.lockout_after
        ]
        recent = [t for t in times if t > now - policy.window]
        if recent:
            waits.append((recent[-1] + policy.delay(len(recent)), False))
        for until, locked in waits:
            if until > now and (worst is None or until > worst[0]):
                worst = (until, locked)
    return worst


def record_failure(path: Store, key: str, client: str, *, now: datetime | None = None) -> None:
    """Count one failed sign-in for an account and a client (tests seed history with it)."""
    with workshop.connect(path) as con:
        _insert_failures(con, _subjects(key, client), _now(now))


def _insert_failures(con: Connection, subjects: list[tuple[str, str]], now: datetime) -> None:
    con.execute(
        text(
            "insert into signin_failures (scope, subject, failed_at) "
            "values (:scope, :subject, :now)"
        ),
        [{"scope": scope, "subject": subject, "now": now} for scope, subject in subjects],
    )


def _serialise_attempts(con: Connection) -> None:
    """Check-and-count is one step across replicas: SQLite's BEGIN IMMEDIATE already holds
    the write lock; PostgreSQL takes an advisory lock for the transaction."""
    if con.dialect.name == "postgresql":
        con.execute(text("select pg_advisory_xact_lock(7262025)"))


def _recent_failures(con: Connection, scope: str, subject: str, since: datetime) -> int:
    return int(
        con.execute(
            text(
                "select count(*) from signin_failures where scope = :scope "
                "and subject = :subject and failed_at > :since"
            ),
            {"scope": scope, "subject": subject, "since": since},
        ).scalar_one()
    )


# --- signing in ---------------------------------------------------------------------------


def sign_in(
    path: Store,
    name: str,
    password: str,
    client: str,
    *,
    shared_hash: str | None = None,
    now: datetime | None = None,
    policy: ThrottlePolicy = POLICY,
) -> Attempt:
    """Check a name and password, throttled per account and per client. `client` names the
    browser session; `shared_hash` is ARP_FACILITATOR_PASSWORD_HASH, used only while the store
    has no named account. Every failure and lock-out is logged, never the password."""
    moment = _now(now)
    shared = bool(shared_hash) and not has_accounts(path)
    key = SHARED_PASSWORD_NAME if shared else name_key(name)
    subjects = _subjects(key, client)
    with workshop.connect(path) as con:
        _serialise_attempts(con)
        refused = _refusal(con, subjects, moment, policy)
        if refused is None:
            _insert_failures(con, subjects, moment)  # cleared below if the password is right
            stored = con.execute(
                text(
                    "select name, hash_scheme, iterations, salt, password_hash "
                    "from facilitators where name_key = :key"
                ),
                {"key": key},
            ).first()
    if refused is not None:
        until, locked = refused
        log.warning(
            "Facilitator sign-in refused without checking the password: %s for account %r "
            "from browser session %s until %s",
            "locked out" if locked else "too soon after a failure",
            key,
            client,
            f"{until:%H:%M:%S}",
        )
        return Attempt("refused", retry_at=until, locked=locked)

    password = password[:MAX_PASSWORD_LENGTH]
    if shared:
        right, account_name = insights.check_password(password, shared_hash), SHARED_PASSWORD_NAME
    elif stored is None:
        _matches(password, *_NOBODY)
        right, account_name = False, None
    else:
        right = _matches(password, stored[1], stored[2], stored[3], stored[4])
        account_name = stored[0]

    with workshop.connect(path) as con:
        if not right:
            counts = {
                scope: _recent_failures(con, scope, subject, moment - policy.window)
                for scope, subject in subjects
            }
            worst = max(counts.values())
            locked = worst >= policy.lockout_after
            retry_at = moment + (policy.lockout if locked else policy.delay(worst))
            log.warning(
                "Facilitator sign-in failed for account %r from browser session %s "
                "(%d recent failure(s) for the account, %d for the session)",
                key,
                client,
                counts["account"],
                counts["client"],
            )
            for scope, subject in subjects:
                if counts[scope] >= policy.lockout_after:
                    log.warning(
                        "Facilitator sign-in locked out: %s %r after %d failures within %s, "
                        "until %s",
                        scope,
                        subject,
                        counts[scope],
                        policy.window,
                        f"{moment + policy.lockout:%H:%M:%S}",
                    )
            return Attempt("wrong", retry_at=retry_at, locked=locked)
        assert account_name is not None
        con.execute(
            text(
                "delete from signin_failures where (scope = 'account' and subject = :key) "
                "or (scope = 'client' and subject = :client)"
            ),
            {"key": key, "client": subjects[1][1]},
        )
        con.execute(
            text("update facilitators set last_signed_in_at = :now where name_key = :key"),
            {"now": moment, "key": key},
        )
        signin_id, handoff = _start_signin(con, key, account_name, client, moment)
        workshop.record_action(con, account_name, "signed in", None, moment)
    return Attempt("signed in", name=account_name, signin_id=signin_id, handoff=handoff)


def _start_signin(
    con: Connection, key: str, name: str, client: str, now: datetime
) -> tuple[str, str]:
    signin_id = secrets.token_urlsafe(18)
    handoff = secrets.token_urlsafe(32)
    con.execute(
        text(
            """insert into facilitator_signins (signin_id, name_key, name, client, handoff_hash,
                   handoff_expires_at, created_at, expires_at)
               values (:id, :key, :name, :client, :handoff, :handoff_until, :now, :until)"""
        ),
        {
            "id": signin_id,
            "key": key,
            "name": name,
            "client": client[:200],
            "handoff": _sha256(handoff),
            "handoff_until": now + timedelta(seconds=HANDOFF_SECONDS),
            "now": now,
            "until": now + timedelta(hours=SIGNIN_HOURS),
        },
    )
    return signin_id, handoff


def active_signin(
    path: Store, signin_id: str | None, *, now: datetime | None = None
) -> Signin | None:
    """The sign-in, if it is neither signed out nor expired."""
    if not signin_id or not workshop.exists(path):
        return None
    with workshop.connect(path, write=False) as con:
        row = con.execute(
            text(
                "select name, expires_at from facilitator_signins where signin_id = :id "
                "and revoked_at is null and expires_at > :now"
            ),
            {"id": signin_id, "now": _now(now)},
        ).first()
    return Signin(signin_id, row[0], _aware(row[1])) if row else None


def sign_out(path: Store, signin_id: str, *, now: datetime | None = None) -> None:
    moment = _now(now)
    with workshop.connect(path) as con:
        name = con.execute(
            text(
                "update facilitator_signins set revoked_at = :now, handoff_hash = null "
                "where signin_id = :id and revoked_at is null returning name"
            ),
            {"now": moment, "id": signin_id},
        ).scalar_one_or_none()
        if name is not None:
            workshop.record_action(con, name, "signed out", None, moment)


def _revoke_where(con: Connection, condition: str, params: dict, now: datetime) -> None:
    con.execute(
        text(
            "update facilitator_signins set revoked_at = :now, handoff_hash = null "
            f"where revoked_at is null and {condition}"
        ),
        {**params, "now": now},
    )


# --- the cookie ---------------------------------------------------------------------------


def _signing_key(path: Store) -> bytes:
    """The store's cookie-signing key, made on first use; every replica reads the same."""
    lookup = text("select secret from signin_keys where name = :name")
    with workshop.connect(path, write=False) as con:
        found = con.execute(lookup, {"name": _KEY_NAME}).scalar_one_or_none()
    if found is None:
        with workshop.connect(path) as con:
            con.execute(
                text(
                    "insert into signin_keys (name, secret, created_at) "
                    "values (:name, :secret, :now) on conflict (name) do nothing"
                ),
                {"name": _KEY_NAME, "secret": secrets.token_hex(32), "now": datetime.now(UTC)},
            )
            found = con.execute(lookup, {"name": _KEY_NAME}).scalar_one()
    return bytes.fromhex(found)


def _mac(key: bytes, payload: str) -> str:
    digest = hmac.new(key, payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def exchange_handoff(
    path: Store, handoff: str, *, now: datetime | None = None
) -> tuple[str, datetime] | None:
    """Swap a sign-in's one-time handoff code (within HANDOFF_SECONDS) for its cookie value
    and expiry; None for an unknown, used or stale code."""
    if not handoff or len(handoff) > 200:
        return None
    moment = _now(now)
    secret = secrets.token_urlsafe(32)
    with workshop.connect(path) as con:
        row = con.execute(
            text(
                """update facilitator_signins set handoff_hash = null, token_hash = :token
                   where handoff_hash = :handoff and handoff_expires_at > :now
                       and revoked_at is null and expires_at > :now
                   returning signin_id, expires_at"""
            ),
            {"token": _sha256(secret), "handoff": _sha256(handoff), "now": moment},
        ).first()
    if row is None:
        return None
    signin_id, expires_at = row[0], _aware(row[1])
    payload = f"{TOKEN_VERSION}.{signin_id}.{int(expires_at.timestamp())}.{secret}"
    return f"{payload}.{_mac(_signing_key(path), payload)}", expires_at


def signin_from_cookie(path: Store, cookie: str, *, now: datetime | None = None) -> Signin | None:
    """The sign-in a cookie names, if its signature holds, it has not expired, it is not
    signed out, and its secret matches the stored hash; else None."""
    parts = cookie.split(".") if cookie and len(cookie) < 400 else []
    if len(parts) != 5 or parts[0] != TOKEN_VERSION or not parts[2].isdigit():
        return None
    version, signin_id, expiry, secret, mac = parts
    moment = _now(now)
    if int(expiry) <= moment.timestamp() or not workshop.exists(path):
        return None
    if not hmac.compare_digest(
        mac, _mac(_signing_key(path), f"{version}.{signin_id}.{expiry}.{secret}")
    ):
        return None
    with workshop.connect(path, write=False) as con:
        row = con.execute(
            text(
                "select name, expires_at, token_hash from facilitator_signins "
                "where signin_id = :id and revoked_at is null and expires_at > :now"
            ),
            {"id": signin_id, "now": moment},
        ).first()
    if row is None or row[2] is None or not hmac.compare_digest(row[2], _sha256(secret)):
        return None
    return Signin(signin_id, row[0], _aware(row[1]))


def download_while_signed_in(
    path: Store, signin_id: str, file_name: str, make: Callable[[], bytes]
) -> Callable[[], bytes]:
    """A file maker for a download button pressed later: it checks that the sign-in is still
    live (not signed out in another tab, not removed), logs the download under the
    facilitator's name, then makes the file."""

    def deliver() -> bytes:
        found = active_signin(path, signin_id)
        if found is None:
            raise PermissionError("signed out: sign in again to download")
        workshop.log_action(path, found.name, "downloaded", file_name)
        return make()

    return deliver
