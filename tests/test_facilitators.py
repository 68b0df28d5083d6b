"""Facilitator accounts, sign-ins and the throttle, on both stores (SQLite and a real
PostgreSQL server), with the clock passed in; and `arp facilitator add/remove/list`."""

from __future__ import annotations

import io
import logging
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import text

from arp import cli, facilitators, insights, sessions, transfer, workshop
from arp.facilitators import AccountError
from tests.conftest import REPO_ROOT

PASSWORD = "correct horse battery"
FAST = 1000  # PBKDF2 iterations for accounts the throttle tests sign in to many times
T0 = datetime(2026, 3, 14, 10, 0, tzinfo=UTC)


def rows(store, sql):
    with workshop.connect(store, write=False) as con:
        return [tuple(r) for r in con.execute(text(sql))]


def test_an_account_is_a_salted_pbkdf2_hash_with_its_iteration_count(store):
    facilitators.add_account(store, "Ada Lovelace", PASSWORD)
    facilitators.add_account(store, "Grace Hopper", PASSWORD)
    stored = rows(
        store,
        "select name, hash_scheme, iterations, salt, password_hash from facilitators order by 1",
    )
    assert [(n, s, i) for n, s, i, *_ in stored] == [
        ("Ada Lovelace", "pbkdf2_sha256", 600_000),
        ("Grace Hopper", "pbkdf2_sha256", 600_000),
    ]
    (_, _, _, salt_a, hash_a), (_, _, _, salt_b, hash_b) = stored
    assert salt_a != salt_b  # one salt per account: the same password hashes differently
    assert hash_a != hash_b
    assert len(bytes.fromhex(salt_a)) == 16
    assert len(bytes.fromhex(hash_a)) == 32
    assert PASSWORD not in repr(stored)
    signed = facilitators.sign_in(store, "ada lovelace", PASSWORD, "browser-1")
    assert (signed.outcome, signed.name) == ("signed in", "Ada Lovelace")


def test_names_are_matched_whatever_the_case_and_spacing_and_odd_names_are_refused(store):
    facilitators.add_account(store, "  Siobhán   O'Neill ", PASSWORD, iterations=FAST)
    assert [a.name for a in facilitators.list_accounts(store)] == ["Siobhán O'Neill"]
    with pytest.raises(AccountError, match="already an account"):
        facilitators.add_account(store, "SIOBHÁN O'NEILL", PASSWORD, iterations=FAST)
    for odd in ["", "<b>Ada</b>", "Ada; drop table", "x" * 65, "-dash first", "Ada\x00"]:
        with pytest.raises(AccountError, match="a name is 1 to 64"):
            facilitators.add_account(store, odd, PASSWORD, iterations=FAST)
    # A line break cannot forge a log line: white space of any kind becomes one space.
    assert facilitators.clean_name("Ada\nINFO forged line") == "Ada INFO forged line"
    with pytest.raises(AccountError, match="reserved"):
        facilitators.add_account(store, "Shared Password", PASSWORD, iterations=FAST)
    with pytest.raises(AccountError, match="at least 10"):
        facilitators.add_account(store, "Grace", "short", iterations=FAST)


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(store):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    wrong = facilitators.sign_in(store, "Ada", "not the password", "b1", now=T0)
    nobody = facilitators.sign_in(store, "Nobody", PASSWORD, "b2", now=T0)
    assert (wrong.outcome, wrong.retry_at, wrong.locked) == (
        "wrong",
        T0 + timedelta(seconds=1),
        False,
    )
    assert (nobody.outcome, nobody.retry_at, nobody.locked) == (
        "wrong",
        T0 + timedelta(seconds=1),
        False,
    )
    assert wrong.name is None
    assert nobody.name is None


def test_each_failure_doubles_the_wait_and_the_fifth_locks_the_account(store):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    now, waits = T0, []
    for _ in range(5):
        attempt = facilitators.sign_in(store, "Ada", "guess", "browser-1", now=now)
        assert attempt.outcome == "wrong"
        waits.append((attempt.retry_at - now, attempt.locked))
        # Too soon: refused without checking, even the right password, and not counted.
        early = facilitators.sign_in(
            store, "Ada", PASSWORD, "browser-1", now=attempt.retry_at - timedelta(seconds=0.5)
        )
        assert (early.outcome, early.retry_at) == ("refused", attempt.retry_at)
        now = attempt.retry_at
    assert waits == [
        (timedelta(seconds=1), False),
        (timedelta(seconds=2), False),
        (timedelta(seconds=4), False),
        (timedelta(seconds=8), False),
        (timedelta(minutes=15), True),
    ]
    assert rows(store, "select count(*) from signin_failures where scope = 'account'") == [(5,)]
    locked_at = now - timedelta(minutes=15)
    during = facilitators.sign_in(
        store, "Ada", PASSWORD, "browser-2", now=locked_at + timedelta(minutes=14)
    )
    assert (during.outcome, during.locked) == ("refused", True)  # from another browser too
    after = facilitators.sign_in(store, "Ada", PASSWORD, "browser-2", now=now)
    assert after.outcome == "signed in"
    assert rows(store, "select count(*) from signin_failures where scope = 'account'") == [(0,)]


def test_one_browser_session_guessing_across_accounts_is_locked_out(store):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    now = T0
    for name in ["Bea", "Cal", "Dee", "Eve", "Fay"]:  # five accounts, one failure each
        attempt = facilitators.sign_in(store, name, "guess", "prowler", now=now)
        now = attempt.retry_at
    assert attempt.locked
    mine = facilitators.sign_in(store, "Ada", PASSWORD, "prowler", now=now - timedelta(minutes=1))
    assert (mine.outcome, mine.locked) == ("refused", True)
    theirs = facilitators.sign_in(
        store, "Ada", PASSWORD, "ada-laptop", now=now - timedelta(minutes=1)
    )
    assert theirs.outcome == "signed in"  # Ada's own account was never guessed at


def test_failures_and_lockouts_are_logged_without_the_password(store, caplog):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    now = T0
    with caplog.at_level(logging.WARNING, logger="arp.facilitators"):
        for _ in range(5):
            now = facilitators.sign_in(store, "Ada", "hunter2-guess", "browser-9", now=now).retry_at
        facilitators.sign_in(store, "Ada", PASSWORD, "browser-9", now=now - timedelta(minutes=1))
    messages = [r.getMessage() for r in caplog.records]
    failed = [m for m in messages if m.startswith("Facilitator sign-in failed")]
    assert len(failed) == 5
    assert "for account 'ada' from browser session browser-9 (5 recent failure(s)" in failed[-1]
    assert any(m.startswith("Facilitator sign-in locked out: account 'ada'") for m in messages)
    assert any(m.startswith("Facilitator sign-in locked out: client 'browser-9'") for m in messages)
    assert any("refused without checking the password: locked out" in m for m in messages)
    assert not any("hunter2" in m or PASSWORD in m for m in messages)


def test_the_cookie_is_signed_expires_and_dies_on_sign_out(store):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    signed = facilitators.sign_in(store, "Ada", PASSWORD, "browser-1", now=T0)
    cookie, expires = facilitators.exchange_handoff(store, signed.handoff, now=T0)
    assert expires == T0 + timedelta(hours=12)
    assert facilitators.exchange_handoff(store, signed.handoff, now=T0) is None  # once only
    found = facilitators.signin_from_cookie(store, cookie, now=T0 + timedelta(hours=1))
    assert (found.signin_id, found.name) == (signed.signin_id, "Ada")
    # The store keeps a hash of the secret, never the secret.
    secret = cookie.split(".")[3]
    assert secret not in repr(rows(store, "select * from facilitator_signins"))
    version, signin_id, expiry, secret, mac = cookie.split(".")
    forged_later = f"{version}.{signin_id}.{int(expiry) + 86400}.{secret}.{mac}"
    flipped = secret[:-1] + ("A" if secret[-1] != "A" else "B")
    for bad in [
        forged_later,  # a later expiry breaks the signature
        f"{version}.{signin_id}.{expiry}.{flipped}.{mac}",
        cookie[:-2],
        "",
        "v1.x.1.y.z",
    ]:
        assert facilitators.signin_from_cookie(store, bad, now=T0 + timedelta(hours=1)) is None
    assert facilitators.signin_from_cookie(store, cookie, now=T0 + timedelta(hours=12)) is None
    facilitators.sign_out(store, signed.signin_id, now=T0 + timedelta(hours=2))
    assert facilitators.signin_from_cookie(store, cookie, now=T0 + timedelta(hours=3)) is None
    assert facilitators.active_signin(store, signed.signin_id, now=T0 + timedelta(hours=3)) is None


def test_a_handoff_code_lasts_a_minute(store):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    signed = facilitators.sign_in(store, "Ada", PASSWORD, "browser-1", now=T0)
    assert (
        facilitators.exchange_handoff(store, signed.handoff, now=T0 + timedelta(seconds=61)) is None
    )
    assert facilitators.exchange_handoff(store, "made-up", now=T0) is None


def test_removing_an_account_ends_its_sign_ins(store):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    signed = facilitators.sign_in(store, "Ada", PASSWORD, "browser-1")
    assert facilitators.active_signin(store, signed.signin_id) is not None
    assert facilitators.remove_account(store, "ADA")
    assert facilitators.active_signin(store, signed.signin_id) is None
    assert not facilitators.remove_account(store, "Ada")
    assert facilitators.sign_in(store, "Ada", PASSWORD, "browser-2").outcome == "wrong"


def test_the_shared_password_signs_in_only_while_there_is_no_named_account(store):
    shared = insights.hash_password("the old shared password")
    signed = facilitators.sign_in(store, "", "the old shared password", "b1", shared_hash=shared)
    assert (signed.outcome, signed.name) == ("signed in", "shared password")
    assert facilitators.active_signin(store, signed.signin_id).name == "shared password"
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    # The first named account ends the shared sign-ins and the shared password with them.
    assert facilitators.active_signin(store, signed.signin_id) is None
    again = facilitators.sign_in(store, "", "the old shared password", "b3", shared_hash=shared)
    assert again.outcome == "wrong"
    assert facilitators.sign_in(store, "Ada", PASSWORD, "b4", shared_hash=shared).name == "Ada"


def test_who_changed_what_is_in_the_facilitator_log(store):
    workshop.save_scenario(store, workshop.Scenario("Room 2", {"health": 2.0}), by="Ada")
    session = sessions.create(store, "Handsworth", date(2026, 3, 14), by="Grace")
    workshop.delete_scenario(store, "Room 2", by="Ada")
    workshop.save_scenario(store, workshop.Scenario("From a script", {"health": 1.0}))
    logged = workshop.facilitator_log(store).fillna({"facilitator": "(command line)"})
    assert list(zip(logged["facilitator"], logged["action"], logged["subject"], strict=True)) == [
        ("(command line)", "saved scenario", "From a script"),
        ("Ada", "deleted scenario", "Room 2"),
        ("Grace", "created session", f"{session.session_id} (Handsworth, 2026-03-14)"),
        ("Ada", "saved scenario", "Room 2"),
    ]


def test_a_download_is_made_only_while_its_sign_in_lasts_and_is_logged(store):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    signed = facilitators.sign_in(store, "Ada", PASSWORD, "b1")
    deliver = facilitators.download_while_signed_in(
        store, signed.signin_id, "workshop-backup.sqlite3", lambda: transfer.backup(store)
    )
    assert deliver().startswith(b"SQLite format 3")
    facilitators.sign_out(store, signed.signin_id)  # in another tab, say
    with pytest.raises(PermissionError, match="signed out"):
        deliver()
    downloads = workshop.facilitator_log(store).query("action == 'downloaded'")
    assert downloads[["facilitator", "subject"]].values.tolist() == [
        ["Ada", "workshop-backup.sqlite3"]
    ]


def test_a_backup_carries_the_log_but_no_account_or_sign_in(store, tmp_path):
    facilitators.add_account(store, "Ada", PASSWORD, iterations=FAST)
    facilitators.sign_in(store, "Ada", PASSWORD, "b1")
    facilitators.sign_in(store, "Ada", "wrong", "b2")
    copy = tmp_path / "backup.sqlite3"
    copy.write_bytes(transfer.backup(store))
    with closing(sqlite3.connect(copy)) as con:
        counts = {
            table: con.execute(f"select count(*) from {table}").fetchone()[0]
            for table in ["facilitators", "facilitator_signins", "signin_failures", "signin_keys"]
        }
        actions = [r[0] for r in con.execute("select action from facilitator_log order by 1")]
    assert counts == dict.fromkeys(counts, 0)
    assert actions == ["added facilitator", "signed in"]


# --- `arp facilitator` -----------------------------------------------------------------------


def run_cli(monkeypatch, capsys, store, *args, stdin=""):
    monkeypatch.setenv("ARP_WORKSHOP_DB", str(store))
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(["facilitator", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_command_line_adds_lists_and_removes_accounts(store, monkeypatch, capsys):
    assert run_cli(monkeypatch, capsys, store, "list")[1].startswith("No facilitator accounts")
    code, out, _ = run_cli(
        monkeypatch, capsys, store, "add", "Ada", "Lovelace", stdin=PASSWORD + "\n"
    )
    assert (code, out) == (0, "Added the facilitator account 'Ada Lovelace'.\n")
    run_cli(monkeypatch, capsys, store, "add", "Grace", stdin=PASSWORD + "\n")
    assert facilitators.sign_in(store, "Ada Lovelace", PASSWORD, "b1").outcome == "signed in"
    code, out, _ = run_cli(monkeypatch, capsys, store, "list")
    lines = out.splitlines()
    assert code == 0
    assert [line.split("  ")[0].strip() for line in lines] == [
        "Ada Lovelace",
        "Grace",
    ]
    assert "last signed in never" in lines[1]
    assert "last signed in never" not in lines[0]
    salt, digest = rows(store, "select salt, password_hash from facilitators order by 1")[0]
    assert salt not in out
    assert digest not in out
    assert "pbkdf2" not in out
    code, _, err = run_cli(monkeypatch, capsys, store, "add", "ada lovelace", stdin=PASSWORD + "\n")
    assert (code, err) == (1, "Not done: there is already an account named 'ada lovelace'.\n")
    code, _, err = run_cli(monkeypatch, capsys, store, "add", "Bea", stdin="short\n")
    assert (code, err) == (1, "Not done: choose a password of at least 10 characters.\n")
    code, out, _ = run_cli(monkeypatch, capsys, store, "remove", "Grace")
    assert (code, out) == (0, "Removed the facilitator account 'Grace'; its sign-ins have ended.\n")
    assert run_cli(monkeypatch, capsys, store, "remove", "Grace")[0] == 1
    assert [a.name for a in facilitators.list_accounts(store)] == ["Ada Lovelace"]


def test_arp_facilitator_add_reads_the_password_from_a_pipe(tmp_path):
    store = tmp_path / "workshop.sqlite3"
    done = subprocess.run(
        [sys.executable, "-m", "arp.cli", "facilitator", "add", "Ada"],
        input=PASSWORD + "\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={"ARP_WORKSHOP_DB": str(store), "PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT)},
        check=False,
    )
    assert (done.returncode, done.stdout) == (0, "Added the facilitator account 'Ada'.\n"), (
        done.stderr
    )
    assert facilitators.sign_in(store, "Ada", PASSWORD, "b1").outcome == "signed in"
