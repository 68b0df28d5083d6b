"""The framework as the workshops change it: versions in the workshop store, and the edits.

data/framework.toml is the seed (version 1, written the first time a store is asked) and
the export format. Every valid change is a new version: who, when, which session, why.
An edit is plain data (`Edit`) applied to a `Document` (the framework's tables, in order);
`apply` reports every problem of a list of edits at once, and the result must load as a
framework (arp.framework.parse_framework, whose checks report every problem too) before
anything is saved. A change is saved only on the version it was made from: one based on
an older version is refused, naming what changed in between (no lost update).
"""

from __future__ import annotations

import copy
import dataclasses
import json
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy import text

from arp import workshop
from arp.framework import (
    FRAMEWORK_PATH,
    INDICATOR_QUERIES,
    KINDS,
    POLARITIES,
    Framework,
    FrameworkError,
    parse_framework,
)
from arp.workshop import Store

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]{1,47}$")
EDITABLE_INDICATOR_FIELDS = ("title", "description", "kind", "polarity", "caveats")
MAX_TITLE = 120
MAX_TEXT = 1000
MAX_REASON = 200
SEED_REASON = "the starting framework (data/framework.toml)"
# The framework's words appear in page headings, captions, PDFs and maps, some of which read
# Markdown: words typed in the editor may not carry markup, a web or an email address.
# Markup, an address Streamlit would link (it links "WWW." too) or an icon name
# (":material/lock:", ":smile:"): none of it in the framework's words, which pages show.
MARKUP = re.compile(r"[<>\[\]`*_#|~$\\]|://|www\.|@|:[a-z0-9_]+(/[a-z0-9_]+)?:", re.IGNORECASE)


class FrameworkConflict(ValueError):
    """The framework moved on since the version a change was made from; the message names
    each version in between, who saved it, why, and what it changed."""


# --- the document: the framework's tables, as TOML holds them -------------------------------


@dataclass
class Document:
    """The framework as data: domains and indicators, each a table of fields, in order.
    Retired ones (`retired = true`) and detached indicators (`domain = ""`) stay here, out
    of the loaded framework, so a later version can bring them back."""

    domains: dict[str, dict[str, Any]] = field(default_factory=dict)
    indicators: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def from_toml(cls, body: str) -> Document:
        try:
            data = tomllib.loads(body)
        except tomllib.TOMLDecodeError as error:
            raise FrameworkError(f"the framework file is not valid TOML: {error}") from error
        return cls(dict(data.get("domains", {})), dict(data.get("indicators", {})))

    def to_toml(self, heading: str = "", annotated: bool = False) -> str:
        """The document as TOML; `annotated`, for people to read: a comment line before each
        domain's run of indicators, as the seed file has."""
        lines = [f"# {line}".rstrip() for line in heading.splitlines()]
        for section, tables in (("domains", self.domains), ("indicators", self.indicators)):
            domain = None
            for key, values in tables.items():
                if annotated and section == "indicators" and values.get("domain") != domain:
                    domain = values.get("domain")
                    title = self.domains.get(str(domain), {}).get("title", domain)
                    lines += ["", f"# --- {title} ".ljust(90, "-")]
                lines += ["", f"[{section}.{_key(key)}]"]
                lines += [f"{_key(name)} = {_value(value)}" for name, value in values.items()]
        return "\n".join(lines).lstrip("\n") + "\n"

    def copy(self) -> Document:
        return Document(copy.deepcopy(self.domains), copy.deepcopy(self.indicators))


def _key(name: str) -> str:
    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


def _value(value: Any) -> str:
    """A TOML value (JSON's string escapes are TOML's basic-string escapes)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items())
        return "{ " + inner + " }"
    raise TypeError(f"cannot write {value!r} as TOML")


def load(document: Document, known_sources: Iterable[str] | None = None) -> Framework:
    """The framework a document describes, checked as the seed file is (every problem)."""
    from data_loaders import SOURCES_BY_ID

    known = SOURCES_BY_ID if known_sources is None else known_sources
    return parse_framework(document.to_toml(), known, INDICATOR_QUERIES)


# --- edits -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """One change, as data. `action` is one of ACTIONS; `target` the domain or indicator
    id; `values` what the action needs (see ACTIONS)."""

    action: str
    target: str = ""
    values: dict[str, Any] = field(default_factory=dict)


# action: (what it changes, the values it takes)
ACTIONS = {
    "add_domain": "a new domain: values title, description",
    "rename_domain": "a domain's title: values title",
    "describe_domain": "a domain's description: values description",
    "reorder_domains": "the order of domains: values order (every domain id)",
    "retire_domain": "take a domain out of the framework (its indicators must be detached)",
    "reinstate_domain": "bring a retired domain back",
    "attach_indicator": "put an indicator in a domain: values domain",
    "detach_indicator": "take an indicator out of its domain (kept, not shown)",
    "edit_indicator": "an indicator's title, description, kind, polarity or caveats",
    "retire_indicator": "take an indicator out of the framework",
    "reinstate_indicator": "bring a retired indicator back",
    "add_indicator": "a new indicator (from the catalogue): values its fields",
}


def _text_problems(where: str, name: str, value: Any, limit: int, required: bool) -> list[str]:
    if not isinstance(value, str):
        return [f"{where}: {name} must be text"]
    if required and not value.strip():
        return [f"{where}: {name} cannot be empty"]
    if len(value) > limit:
        return [f"{where}: {name} is longer than {limit} characters"]
    if name == "title" and "\n" in value:
        return [f"{where}: a title is one line"]
    if MARKUP.search(value):
        return [
            f"{where}: {name} cannot hold markup (< > [ ] ` * _ # | ~ $ \\) or a web or "
            "email address"
        ]
    return []


def _apply_one(doc: Document, edit: Edit) -> list[str]:
    target, values = edit.target, edit.values
    domains, indicators = doc.domains, doc.indicators
    where = f"{edit.action} {target!r}" if target else edit.action
    if edit.action not in ACTIONS:
        return [f"{edit.action!r} is not an edit ({', '.join(ACTIONS)})"]
    if edit.action == "add_domain":
        problems = [] if ID_PATTERN.match(target) else [f"{where}: an id is a-z, 0-9 and _"]
        if target in domains:
            problems.append(f"{where}: there is already a domain {target!r}")
        problems += _text_problems(where, "title", values.get("title", ""), MAX_TITLE, True)
        problems += _text_problems(
            where, "description", values.get("description", ""), MAX_TEXT, False
        )
        if not problems:
            domains[target] = {
                "title": values["title"],
                "description": values.get("description", ""),
            }
        return problems
    if edit.action == "reorder_domains":
        order = list(values.get("order", []))
        if sorted(order) != sorted(domains):
            return [f"{where}: the order must name every domain once ({', '.join(domains)})"]
        doc.domains = {key: domains[key] for key in order}
        return []
    if edit.action == "add_indicator":
        problems = [] if ID_PATTERN.match(target) else [f"{where}: an id is a-z, 0-9 and _"]
        if target in indicators:
            problems.append(f"{where}: there is already an indicator {target!r}")
        for name in ("title", "description", "caveats"):
            limit = MAX_TITLE if name == "title" else MAX_TEXT
            problems += _text_problems(where, name, values.get(name, ""), limit, name == "title")
        if not problems:
            indicators[target] = dict(values)
        return problems
    if edit.action.endswith("_domain"):
        if target not in domains:
            return [f"{where}: no domain {target!r}"]
        domain = domains[target]
        if edit.action == "rename_domain":
            problems = _text_problems(where, "title", values.get("title", ""), MAX_TITLE, True)
            if not problems:
                domain["title"] = values["title"]
            return problems
        if edit.action == "describe_domain":
            problems = _text_problems(
                where, "description", values.get("description", ""), MAX_TEXT, False
            )
            if not problems:
                domain["description"] = values["description"]
            return problems
        if edit.action == "retire_domain":
            domain["retired"] = True
        else:
            domain.pop("retired", None)
        return []
    if target not in indicators:
        return [f"{where}: no indicator {target!r}"]
    indicator = indicators[target]
    if edit.action == "attach_indicator":
        chosen = values.get("domain", "")
        if chosen not in domains or domains[chosen].get("retired"):
            return [f"{where}: no domain {chosen!r} to attach it to"]
        indicator["domain"] = chosen
    elif edit.action == "detach_indicator":
        indicator["domain"] = ""
    elif edit.action == "retire_indicator":
        indicator["retired"] = True
    elif edit.action == "reinstate_indicator":
        indicator.pop("retired", None)
    else:  # edit_indicator
        problems = []
        unknown = sorted(set(values) - set(EDITABLE_INDICATOR_FIELDS))
        if unknown:
            problems.append(f"{where}: {', '.join(unknown)} cannot be edited here")
        for name in ("title", "description", "caveats"):
            if name in values:
                limit = MAX_TITLE if name == "title" else MAX_TEXT
                problems += _text_problems(where, name, values[name], limit, name != "caveats")
        if "kind" in values and values["kind"] not in KINDS:
            problems.append(f"{where}: kind {values['kind']!r} is not one of {', '.join(KINDS)}")
        if "polarity" in values and values["polarity"] not in POLARITIES:
            problems.append(
                f"{where}: polarity {values['polarity']!r} is not one of {', '.join(POLARITIES)}"
            )
        if problems:
            return problems
        indicator.update({k: values[k] for k in EDITABLE_INDICATOR_FIELDS if k in values})
    return []


def apply(document: Document, edits: Iterable[Edit], known_sources: Iterable[str] | None = None):
    """The document after `edits`, checked: (new document, its framework). Raises
    FrameworkError listing every problem (of each edit, then of the framework it makes);
    `document` itself is never changed."""
    changed = document.copy()
    problems = []
    for edit in edits:
        problems += _apply_one(changed, edit)
    try:
        framework = load(changed, known_sources)
    except FrameworkError as error:
        problems += [line[2:] for line in str(error).splitlines() if line.startswith("- ")] or [
            str(error)
        ]
    if problems:
        raise FrameworkError("Not saved:\n- " + "\n- ".join(problems))
    return changed, framework


# --- the readable difference between two versions ---------------------------------------


def _shown(value: Any) -> str:
    text_value = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text_value if len(text_value) <= 60 else text_value[:57] + "..."


def diff(old: Document, new: Document) -> list[str]:
    """What changed from `old` to `new`, one line each, in words."""
    lines = []
    for key, domain in new.domains.items():
        before = old.domains.get(key)
        if before is None:
            lines.append(f"domain {key!r} added: {domain.get('title', '')!r}")
            continue
        if domain.get("retired") != before.get("retired"):
            lines.append(f"domain {key!r} {'retired' if domain.get('retired') else 'reinstated'}")
        for name in ("title", "description"):
            if domain.get(name) != before.get(name):
                lines.append(
                    f"domain {key!r} {name}: {_shown(before.get(name, ''))!r} → "
                    f"{_shown(domain.get(name, ''))!r}"
                )
    lines += [f"domain {key!r} removed" for key in old.domains if key not in new.domains]
    common = [k for k in new.domains if k in old.domains]
    if common != [k for k in old.domains if k in new.domains]:
        lines.append(f"domains reordered: {', '.join(new.domains)}")
    for key, indicator in new.indicators.items():
        before = old.indicators.get(key)
        if before is None:
            lines.append(
                f"indicator {key!r} added to {indicator.get('domain', '')!r}: "
                f"{indicator.get('title', '')!r}"
            )
            continue
        if indicator.get("retired") != before.get("retired"):
            state = "retired" if indicator.get("retired") else "reinstated"
            lines.append(f"indicator {key!r} {state}")
        if indicator.get("domain") != before.get("domain"):
            if indicator.get("domain") == "":
                lines.append(f"indicator {key!r} detached from {before.get('domain')!r}")
            else:
                lines.append(
                    f"indicator {key!r} moved from {before.get('domain')!r} to "
                    f"{indicator.get('domain')!r}"
                )
        for name in sorted((set(indicator) | set(before)) - {"domain", "retired"}):
            if indicator.get(name) != before.get(name):
                lines.append(
                    f"indicator {key!r} {name}: {_shown(before.get(name, ''))!r} → "
                    f"{_shown(indicator.get(name, ''))!r}"
                )
    lines += [f"indicator {key!r} removed" for key in old.indicators if key not in new.indicators]
    return lines


# --- versions in the workshop store ---------------------------------------------------------


@dataclass(frozen=True)
class Version:
    number: int
    saved_at: datetime | None
    saved_by: str | None
    session_id: str | None
    reason: str
    body: str

    @property
    def document(self) -> Document:
        return Document.from_toml(self.body)

    def framework(self) -> Framework:
        return dataclasses.replace(load(self.document), version=self.number)

    def summary(self) -> str:
        who = self.saved_by or "the command line"
        when = f"{self.saved_at:%Y-%m-%d %H:%M} UTC" if self.saved_at else "(no time)"
        session = f", session {self.session_id}" if self.session_id else ""
        return f"version {self.number} ({when}, {who}{session}): {self.reason}"


COLUMNS = "version, saved_at, saved_by, session_id, reason, body"


def _typed_query(sql: str) -> sa.TextualSelect:
    return text(sql).columns(
        version=sa.Integer,
        saved_at=sa.DateTime(timezone=True),
        saved_by=sa.String,
        session_id=sa.String,
        reason=sa.String,
        body=sa.Text,
    )


def _version(row: Any) -> Version:
    saved_at = row.saved_at
    if saved_at is not None and saved_at.tzinfo is None:
        saved_at = saved_at.replace(tzinfo=UTC)
    return Version(row.version, saved_at, row.saved_by, row.session_id, row.reason, row.body)


def seed_document() -> Document:
    return Document.from_toml(FRAMEWORK_PATH.read_text(encoding="utf-8"))


def _ensure_seeded(store: Store) -> None:
    with workshop.connect(store, write=False) as con:
        if con.execute(text("select count(*) from framework_versions")).scalar_one():
            return
    body = seed_document().to_toml()
    try:
        with workshop.connect(store) as con:
            if con.execute(text("select count(*) from framework_versions")).scalar_one():
                return
            _insert(con, 1, body, None, None, SEED_REASON)
    except sa.exc.IntegrityError:
        pass  # another process seeded it at the same moment: the same file


def _insert(
    con: sa.Connection, number: int, body: str, by: str | None, session: str | None, reason: str
) -> None:
    con.execute(
        text(
            "insert into framework_versions (version, saved_at, saved_by, session_id, reason, "
            "body) values (:version, :now, :by, :session, :reason, :body)"
        ),
        {
            "version": number,
            "now": datetime.now(UTC),
            "by": by,
            "session": session,
            "reason": reason,
            "body": body,
        },
    )


def latest(store: Store) -> Version:
    """The current version (seeding version 1 from the file when the store has none)."""
    _ensure_seeded(store)
    with workshop.connect(store, write=False) as con:
        row = con.execute(
            _typed_query(f"select {COLUMNS} from framework_versions order by version desc limit 1")
        ).one()
    return _version(row)


def latest_number(store: Store) -> int:
    _ensure_seeded(store)
    with workshop.connect(store, write=False) as con:
        return int(con.execute(text("select max(version) from framework_versions")).scalar_one())


def get(store: Store, number: int) -> Version:
    """Version `number`; KeyError if there is none."""
    _ensure_seeded(store)
    with workshop.connect(store, write=False) as con:
        row = con.execute(
            _typed_query(f"select {COLUMNS} from framework_versions where version = :n"),
            {"n": int(number)},
        ).one_or_none()
    if row is None:
        raise KeyError(f"there is no framework version {number}")
    return _version(row)


def history(store: Store) -> list[Version]:
    """Every version, newest first."""
    _ensure_seeded(store)
    with workshop.connect(store, write=False) as con:
        rows = con.execute(
            _typed_query(f"select {COLUMNS} from framework_versions order by version desc")
        ).all()
    return [_version(row) for row in rows]


def _reason_problems(reason: str) -> list[str]:
    reason = (reason or "").strip()
    if not reason:
        return ["say in one line why (the reason is kept with it)"]
    if "\n" in reason or len(reason) > MAX_REASON:
        return [f"the reason is one line of up to {MAX_REASON} characters"]
    return []


def _check_reason(reason: str) -> str:
    problems = _reason_problems(reason)
    if problems:
        raise FrameworkError("Not saved:\n- " + "\n- ".join(problems))
    return reason.strip()


def _conflict(store: Store, based_on: int, now: int) -> FrameworkConflict:
    base = get(store, based_on).document
    between = [get(store, n) for n in range(based_on + 1, now + 1)]
    lines = [f"The framework moved on from version {based_on} to {now} while you edited:"]
    for version in between:
        lines.append(f"- {version.summary()}")
    lines += [f"  - {line}" for line in diff(base, between[-1].document)]
    lines.append("Nothing was saved: look at the current version, then make your change again.")
    return FrameworkConflict("\n".join(lines))


def save(
    store: Store,
    document: Document,
    *,
    based_on: int,
    by: str | None,
    reason: str,
    session_id: str | None = None,
) -> Version:
    """Save `document` as the next version, if the current one is still `based_on`.
    Validates first (FrameworkError, every problem; nothing saved); FrameworkConflict if
    another version was saved since `based_on` (nothing saved)."""
    reason = _check_reason(reason)
    load(document)  # raises with every problem
    current = latest_number(store)
    if current != based_on:
        raise _conflict(store, based_on, current)
    body = document.to_toml()
    try:
        with workshop.connect(store) as con:
            _insert(con, based_on + 1, body, by, session_id, reason)
            workshop.record_action(con, by, "saved framework version", f"{based_on + 1}: {reason}")
    except sa.exc.IntegrityError:  # another facilitator saved version based_on + 1 first
        raise _conflict(store, based_on, latest_number(store)) from None
    return get(store, based_on + 1)


def edit(
    store: Store,
    edits: Iterable[Edit],
    *,
    based_on: int,
    by: str | None,
    reason: str,
    session_id: str | None = None,
) -> Version:
    """Apply `edits` to version `based_on` and save the result as the next version."""
    problems = _reason_problems(reason)
    try:
        document, _ = apply(get(store, based_on).document, edits)
    except FrameworkError as error:  # with the reason's problem, if any: every one at once
        lines = str(error).splitlines()[1:]
        raise FrameworkError(
            "Not saved:\n" + "\n".join([*lines, *(f"- {p}" for p in problems)])
        ) from None
    _check_reason(reason)
    return save(store, document, based_on=based_on, by=by, reason=reason, session_id=session_id)


def restore(
    store: Store,
    number: int,
    *,
    based_on: int,
    by: str | None,
    reason: str = "",
    session_id: str | None = None,
) -> Version:
    """Version `number` saved again as the next version (history is never rewritten)."""
    old = get(store, number)
    return save(
        store,
        old.document,
        based_on=based_on,
        by=by,
        reason=reason or f"restored version {number}",
        session_id=session_id,
    )


def import_text(store: Store, body: str, *, by: str | None, reason: str) -> Version:
    """A framework file saved as the next version, after it validates (every problem)."""
    document = Document.from_toml(body)
    return save(store, document, based_on=latest_number(store), by=by, reason=reason)


def export_text(store: Store, number: int | None = None) -> str:
    """A version (the current one by default) as a framework file `arp` reads."""
    version = get(store, number) if number else latest(store)
    heading = (
        f"The Anti-Racist Places Framework, {version.summary()}\n"
        "Exported from the workshop store; `arp framework import FILE` saves it again.\n\n"
        + field_guide()
    )
    return version.document.to_toml(heading, annotated=True)


def field_guide(seed: Path = FRAMEWORK_PATH) -> str:
    """What each indicator field means: the seed file's own guide (its comment block from
    "Indicator fields"), so an exported file explains itself as the seed does."""
    guide: list[str] = []
    for line in seed.read_text(encoding="utf-8").splitlines():
        if guide and not line.startswith("#"):
            break
        if guide or line.startswith("# Indicator fields"):
            guide.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
    return "\n".join(guide)
