"""Personal details removed from what participants type, before anything is stored.

What is caught (tests/test_redaction.py lists every variant, and ordinary sentences that must
pass untouched; tests/test_redaction_scripts.py the same in Urdu, Bengali, Panjabi, Arabic,
Polish and Romanian sentences, digits in their own scripts included):

- email addresses, also spelled out: `jo dot bloggs at example dot com`, `jo[at]example[dot]org`,
  `jo (at) example (dot) co (dot) uk`, `jo @ example.com`;
- UK phone numbers, mobiles and landlines: `0121 496 0000`, `(0121) 496-0000`, `07700.900.123`,
  `+44 (0)121 496 0000`, `0044 7700 900123`, `+447700900123`;
- full UK postcodes in any case and spacing: `B13 0HN`, `b130hn`, `B 13 0HN`, `B1 30HN`;
- NHS numbers (10 digits, 3-3-4, not starting with 0) and National Insurance numbers
  (`QQ 12 34 56 C`, `qq123456c`);
- street addresses: a house number and a street word (`12 Acacia Avenue`, `12a oak rd`,
  `14-16 High Street`).

What is deliberately left: an outward code alone (`B10`, `WV1`: a postcode district of
thousands of homes, which participants use to say where they mean) or a postcode sector
(`B13 0`); a street named without a house number (`the Soho Road`); years, percentages,
counts (`2 buses an hour`), times and dates.

Judgement calls that keep ordinary sentences whole, each with a test:
- a spelled-out " at " (no @ or brackets) counts as an email only with a spelled-out " dot ",
  a dotted user name, or a known mail provider (`jobloggs at gmail.com`), so "find it at
  nhs.uk" stays; an obfuscated address must end in a known top-level domain. A user name
  written as two words keeps its first ("jo bloggs at example dot com" -> "jo [email removed]");
- a phone number must have a UK shape (0 or +44 / 0044, then 9 or 10 digits starting 1, 2,
  3, 5, 7, 8 or 9) and not be figures written one digit at a time (`0.5 1.2 2.4 ...`) or a
  date and time (`01.02.2026 10.30`);
- a postcode's letters must be a real UK postcode area, and `M6 2nd` or `B1 1st floor` (an
  ordinal in lower case) is not a postcode;
- the street words that are everyday words too (Close, Drive, Way, Walk, Place, Court, ...)
  count only capitalised (`3 Elm Close`, not "3 shops close early"); Green, Hill, Park, Vale
  and End are not street words at all, as they end ward names ("since 2019 Hall Green ...",
  "3 Acocks Green mosques"); the words between the number and the street word may not be
  small words or units ("20 minutes down the road", "a 2 lane road"); 1900 to 2099 before a
  street are years ("Since 2020 Soho Road has changed").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from arp.i18n import N_


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# --- email ------------------------------------------------------------------------------

_AT_WORD = r"\s+at\s+"
_AT_MARKED = r"\s*(?:@|[\[({<]\s*at\s*[\])}>])\s*"
_DOT_WORD = r"\s+dot\s+"
_DOT_MARKED = r"\s*[\[({<]\s*dot\s*[\])}>]\s*"
_DOT = rf"(?:\.|{_DOT_MARKED}|{_DOT_WORD})"
_LOCAL_PART = rf"[\w+\-]+(?:{_DOT}[\w+\-]+)*"
EMAIL = re.compile(
    rf"(?<![\w.+\-@])(?P<local>{_LOCAL_PART})(?P<at>{_AT_MARKED}|{_AT_WORD})"
    rf"(?P<domain>[\w\-]+(?:{_DOT}[\w\-]+)*)(?![\w\-@])",
    re.IGNORECASE,
)
# Endings an obfuscated address may have: the common ones, enough to tell an address from a
# sentence ("we meet at Joe's dot of the i" is not an email).
TOP_LEVEL_DOMAINS = _words(
    "com org net uk co ac gov nhs sch police mod edu info io me biz eu ltd plc scot wales cymru "
    "london online app dev email tech ie us ca au in pk bd ng gh ke za jm so et er fr de es it "
    "nl pl ro pt"
)
MAIL_PROVIDERS = _words(
    "gmail googlemail hotmail outlook live msn yahoo ymail icloud me aol btinternet "
    "btopenworld sky virginmedia ntlworld talktalk protonmail proton gmx zoho yandex"
)


def _labels(domain: str) -> list[str]:
    return [part for part in re.split(_DOT, domain, flags=re.IGNORECASE) if part]


def _is_email(match: re.Match[str]) -> bool:
    labels = _labels(match["domain"])
    spelled_at = not re.fullmatch(_AT_MARKED, match["at"], re.IGNORECASE)
    obfuscated = spelled_at or re.search(
        rf"{_DOT_MARKED}|{_DOT_WORD}", match["domain"], re.IGNORECASE
    )
    if len(labels) == 1:
        # No ending: only a known provider ("jo.bloggs at gmail") or a literal @ with a name.
        return labels[0].casefold() in MAIL_PROVIDERS
    ending = labels[-1].casefold()
    if not ending.isalpha() or len(ending) < 2:
        return False
    if obfuscated and any(len(label) < 2 for label in labels):
        return False  # "worked at a dot com startup"
    if obfuscated and ending not in TOP_LEVEL_DOMAINS:
        return False
    if not spelled_at:
        return True
    # " at " is an everyday word: ask for one more sign that this is an address.
    local = match["local"]
    return bool(
        re.search(rf"{_DOT_WORD}|{_DOT_MARKED}", match["domain"], re.IGNORECASE)
        or re.search(rf"[.\d_+]|{_DOT_WORD}|{_DOT_MARKED}", local, re.IGNORECASE)
        or labels[0].casefold() in MAIL_PROVIDERS
    )


# --- phone numbers ----------------------------------------------------------------------

# Between two digits: nothing, a space, dot or dash (with spaces round it), or a bracket.
_SEP = r"(?:[ \t]{0,2}[.\-]?[ \t]{0,2}\)?[ \t]{0,2}\(?[ \t]{0,2})"
# A bracket belongs to the number only when it closes: "(+44)", "(0121)", not "(07700 ...".
_INTERNATIONAL = r"(?:\(\s?(?:\+|00)\s?44\s?\)|(?:\+|00)\s?44)"
PHONE = re.compile(
    r"(?<![\w+./\-])(?:"
    rf"(?P<international>{_INTERNATIONAL}){_SEP}(?:\(\s?0\s?\){_SEP})?[1235789](?:{_SEP}\d){{8,9}}"
    rf"|(?:\(\s?(?=0[\d \t]{{1,6}}\)))?0{_SEP}[1235789](?:{_SEP}\d){{8,9}}"
    r")(?!\d|[.:/\-]\d)"
)


def _is_phone(match: re.Match[str]) -> bool:
    number = match[0]
    if match["international"]:
        number = number[len(match["international"]) :].replace("(0)", " ").replace("( 0 )", " ")
    groups = re.findall(r"\d+", number)
    # Digits written one at a time ("0.5 1.2 2.4 3.1 4.0") are figures, not a number.
    return sum(len(group) == 1 for group in groups) <= 1


# --- NHS and National Insurance numbers -------------------------------------------------

NHS_NUMBER = re.compile(r"(?<![\w+.,])[1-9]\d{2}(?P<sep>[ \-.]?)\d{3}(?P=sep)\d{4}(?![\w]|[.,]\d)")
NATIONAL_INSURANCE = re.compile(
    r"(?<![\w])(?P<prefix>[A-Z]{2})[ \-]?(?P<digits>\d{2}(?P<sep>[ \-]?)\d{2}(?P=sep)\d{2})"
    r"(?:[ \-]?(?P<suffix>[A-D]))?(?![\w])",
    re.IGNORECASE,
)
# HMRC never issues these prefixes; without its final letter a number must have a real one.
_NI_FIRST_NOT = set("DFIQUV")
_NI_SECOND_NOT = set("DFIOQUV")
_NI_NEVER = {"BG", "GB", "NK", "KN", "TN", "NT", "ZZ"}


def _is_national_insurance(match: re.Match[str]) -> bool:
    if match["suffix"]:
        return True
    prefix = match["prefix"].upper()
    return (
        prefix[0] not in _NI_FIRST_NOT
        and prefix[1] not in _NI_SECOND_NOT
        and prefix not in _NI_NEVER
    )


# --- postcodes ----------------------------------------------------------------------------

# The 121 UK postcode areas (Royal Mail), and the Channel Islands and Isle of Man.
POSTCODE_AREAS = _words(
    "AB AL B BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT "
    "DY E EC EH EN EX FK FY G GL GU HA HD HG HP HR HS HU HX IG IP IV KA KT KW KY L LA LD LE LL "
    "LN LS LU M ME MK ML N NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM S SA SE SG SK SL "
    "SM SN SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB W WA WC WD WF WN WR WS WV YO ZE "
    "GY JE IM"
)
_UNIT = "[ABD-HJLNP-UW-Z]"  # the inward code's letters never include C, I, K, M, O or V
POSTCODE = re.compile(
    rf"(?<![A-Za-z0-9])(?P<area>[A-Z]{{1,2}})\s?(?P<district>\d(?:\s?[A-Z\d])?)\s{{0,3}}"
    rf"(?P<sector>\d)\s?(?P<unit>{_UNIT}\s?{_UNIT})(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_ORDINALS = {"1": "st", "2": "nd", "3": "rd"}


def _is_postcode(match: re.Match[str]) -> bool:
    if match["area"].upper() not in POSTCODE_AREAS:
        return False
    unit, sector = match["unit"], match["sector"]
    # "the M6 2nd exit", "M5 3rd junction": an ordinal, typed in lower case, not a postcode.
    return not (unit.islower() and unit == _ORDINALS.get(sector, "th"))


# --- street addresses -----------------------------------------------------------------------

# Street words that are rarely anything else: caught in any case ("12 oak road").
PLAIN_STREET_WORDS = _words(
    "road rd street st str lane ln avenue ave crescent cres grove gardens gdns terrace terr tce "
    "mews boulevard"
)
# Street words that are everyday words too ("shops close early", "a 10 minute walk"): caught
# only capitalised, after a capitalised name ("3 Elm Close"). Green, Hill, Park, Vale, End and
# Heath are left out: they end ward and place names ("since 2019 Hall Green has...").
CAPITALISED_STREET_WORDS = _words(
    "close cl drive dr way walk place pl court ct square sq parade croft rise row view wharf"
)
# Words that cannot sit between a house number and a street word: small words and units.
NOT_STREET_NAMES = _words(
    "a an the of on in at to and or for from by with down up off per every each my our your "
    "their his her its this that these those is are was were be been has have had not no so "
    "but as than about over under near into onto out across along past via times time minute "
    "minutes min mins hour hours hr hrs day days week weeks month months year years yr yrs "
    "mile miles km metre metres meter meters yard yards step steps second seconds secs people "
    "person bus buses car cars kid kids child children lane lanes way ways percent pence pound "
    "pounds quid stop stops shop shops house houses home homes school schools family families "
    "more less only just"
)
HOUSE_NUMBER = re.compile(
    r"(?<![\w£$€.,:/\-])(?P<first>\d{1,4})[A-Za-z]?(?:\s?[-\u2013]\s?\d{1,4}[A-Za-z]?)?(?![\w%])"
)
_FIRST_WORD = re.compile(r",?\s+([A-Za-z][A-Za-z'\u2019\-]*\.?)")
_NEXT_WORD = re.compile(r"[ \t]+([A-Za-z][A-Za-z'\u2019\-]*\.?)")
MAX_STREET_NAME_WORDS = 4


def _is_street(names: list[str], street: str) -> bool:
    word = street.rstrip(".").casefold()
    if any(name.rstrip(".").casefold() in NOT_STREET_NAMES for name in names):
        return False
    if word in PLAIN_STREET_WORDS:
        return True
    return (
        word in CAPITALISED_STREET_WORDS
        and street[0].isupper()
        and all(name[0].isupper() for name in names)
    )


def _address_spans(text: str) -> Iterator[tuple[int, int]]:
    """A house number, one to four name words, and a street word; the longest such phrase
    ("12 Church Hill Road", not "12 Church Hill"). 1900 to 2099 are years, not houses."""
    for number in HOUSE_NUMBER.finditer(text):
        if 1900 <= int(number["first"]) <= 2099:
            continue
        words: list[re.Match[str]] = []
        position = number.end()
        while len(words) <= MAX_STREET_NAME_WORDS:
            word = (_NEXT_WORD if words else _FIRST_WORD).match(text, position)
            if word is None:
                break
            words.append(word)
            position = word.end()
        for last in range(len(words) - 1, 0, -1):
            if _is_street([w[1] for w in words[:last]], words[last][1]):
                yield number.start(), words[last].end()
                break


# --- the rules, in the order they apply ---------------------------------------------------


@dataclass(frozen=True)
class Rule:
    label: str  # what was found, as the participant reads it: "We removed a phone number"
    replacement: str
    find: Callable[[str], Iterator[tuple[int, int]]]  # the spans to replace, left to right


def _matches(
    pattern: re.Pattern[str], accept: Callable[[re.Match[str]], bool]
) -> Callable[[str], Iterator[tuple[int, int]]]:
    """Spans of the pattern's accepted matches. A refused match is tried again one character
    on, so that a near miss ("contact at jo.bloggs") cannot swallow the real one after it."""

    def find(text: str) -> Iterator[tuple[int, int]]:
        position = 0
        while (match := pattern.search(text, position)) is not None:
            if accept(match):
                yield match.span()
                position = max(match.end(), match.start() + 1)
            else:
                position = match.start() + 1

    return find


# Emails first (they hold digits and dots), National Insurance before postcodes (its letters
# could start one), phones before NHS numbers ("+44 121 496 0000" ends in 3-3-4 digits).
# Translators: each label is what "We removed {found} before saving" names.
RULES = (
    Rule(N_("an email address"), "[email removed]", _matches(EMAIL, _is_email)),
    Rule(
        N_("a National Insurance number"),
        "[NI number removed]",
        _matches(NATIONAL_INSURANCE, _is_national_insurance),
    ),
    Rule(N_("a phone number"), "[phone number removed]", _matches(PHONE, _is_phone)),
    Rule(N_("an NHS number"), "[NHS number removed]", _matches(NHS_NUMBER, lambda _: True)),
    Rule(N_("a full postcode"), "[postcode removed]", _matches(POSTCODE, _is_postcode)),
    Rule(N_("a street address"), "[address removed]", _address_spans),
)


# Digits as people type them in the scripts the participant pages offer: Arabic-Indic
# (Arabic), Extended Arabic-Indic (Urdu), Bengali and Gurmukhi, and full-width ones. Each is
# read as its ASCII digit, one character for one, so a match's span is the same in the text.
_DIGIT_ZEROS = (0x0660, 0x06F0, 0x09E6, 0x0A66, 0x0966, 0xFF10)
ASCII_DIGITS = {zero + value: str(value) for zero in _DIGIT_ZEROS for value in range(10)}


def _as_ascii_digits(text: str) -> str:
    return text.translate(ASCII_DIGITS)


def redact(text: str) -> tuple[str, list[str]]:
    """The text with personal details replaced, and what was found (labels, in rule order).
    Numbers written in Arabic-Indic, Urdu, Bengali or Gurmukhi digits are found as well."""
    found = []
    for rule in RULES:
        spans = list(rule.find(_as_ascii_digits(text)))
        for start, end in reversed(spans):
            text = text[:start] + rule.replacement + text[end:]
        if spans:
            found.append(rule.label)
    return text, found
