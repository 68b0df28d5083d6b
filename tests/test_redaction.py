"""Redaction, as a table: every variant of a personal detail it claims to catch, and the
ordinary sentences it must leave exactly as written (arp/redaction.py says why for each
judgement call)."""

from __future__ import annotations

import pytest

from arp import insights, redaction

EMAIL = ["an email address"]
PHONE = ["a phone number"]
POSTCODE = ["a full postcode"]
NHS = ["an NHS number"]
NI = ["a National Insurance number"]
ADDRESS = ["a street address"]

# (what a participant typed, what is stored, what the participant is told was removed)
CAUGHT = [
    # email addresses, plain and obfuscated
    ("mail me at jo.bloggs+x@example.org please", "mail me at [email removed] please", EMAIL),
    ("JO.BLOGGS@EXAMPLE.COM", "[email removed]", EMAIL),
    ("jo.bloggs @ example.com", "[email removed]", EMAIL),
    ("jo dot bloggs at example dot com", "[email removed]", EMAIL),
    ("JO DOT BLOGGS AT EXAMPLE DOT CO DOT UK", "[email removed]", EMAIL),
    ("jo.bloggs at example dot com", "[email removed]", EMAIL),
    ("jo.bloggs [at] example [dot] com", "[email removed]", EMAIL),
    ("jo.bloggs [at] example.com", "[email removed]", EMAIL),
    ("jo(at)example(dot)co(dot)uk", "[email removed]", EMAIL),
    ("jo.bloggs(at)example.com", "[email removed]", EMAIL),
    ("jo_bloggs{at}example{dot}org", "[email removed]", EMAIL),
    ("jobloggs AT gmail DOT com", "[email removed]", EMAIL),
    ("jobloggs at gmail.com", "[email removed]", EMAIL),
    ("jo.bloggs at example.co.uk", "[email removed]", EMAIL),
    ("find me: jobloggs at hotmail", "find me: [email removed]", EMAIL),
    ("contact at jo.bloggs@example.com", "contact at [email removed]", EMAIL),
    ("jo bloggs at example dot com", "jo [email removed]", EMAIL),  # a two-word name keeps "jo"
    # UK phone numbers: landlines and mobiles, national and international
    ("ring 0121 496 0000", "ring [phone number removed]", PHONE),
    ("+44 (0)121 496 0000", "[phone number removed]", PHONE),
    ("+44 (0) 121 496 0000", "[phone number removed]", PHONE),
    ("+44 121 496 0000", "[phone number removed]", PHONE),
    ("+44(0)1214960000", "[phone number removed]", PHONE),
    ("0044 121 496 0000", "[phone number removed]", PHONE),
    ("0044 (0) 7700 900123", "[phone number removed]", PHONE),
    ("(+44) 7700 900123", "[phone number removed]", PHONE),
    ("(0121) 496-0000", "[phone number removed]", PHONE),
    ("0121-496-0000", "[phone number removed]", PHONE),
    ("0121.496.0000", "[phone number removed]", PHONE),
    ("0121 - 496 - 0000", "[phone number removed]", PHONE),
    ("01214960000", "[phone number removed]", PHONE),
    ("Tel:01214960000", "Tel:[phone number removed]", PHONE),
    ("020 7946 0000", "[phone number removed]", PHONE),
    ("0800 123 4567", "[phone number removed]", PHONE),
    ("07700 900123", "[phone number removed]", PHONE),
    ("07700900123", "[phone number removed]", PHONE),
    ("077 0090 0123", "[phone number removed]", PHONE),
    ("mob 07700-900-123.", "mob [phone number removed].", PHONE),
    ("+447700900123", "[phone number removed]", PHONE),
    ("+44 7700 900 123", "[phone number removed]", PHONE),
    (
        "call 0121 496 0000 or 0121 496 0001",
        "call [phone number removed] or [phone number removed]",
        PHONE,
    ),
    # full postcodes, any case and spacing
    ("I live at B13 0HN near the park", "I live at [postcode removed] near the park", POSTCODE),
    ("b130hn", "[postcode removed]", POSTCODE),
    ("B 13 0HN", "[postcode removed]", POSTCODE),
    ("B13  0HN", "[postcode removed]", POSTCODE),
    ("B13 0 HN", "[postcode removed]", POSTCODE),
    ("B1 30HN", "[postcode removed]", POSTCODE),
    ("wv1 1aa", "[postcode removed]", POSTCODE),
    ("WV10 9QZ", "[postcode removed]", POSTCODE),
    ("WS1 1 AA", "[postcode removed]", POSTCODE),
    ("(CV1 2GT)", "([postcode removed])", POSTCODE),
    ("DY1 4QE, then", "[postcode removed], then", POSTCODE),
    ("M6 1ST", "[postcode removed]", POSTCODE),  # written in capitals: a postcode
    # NHS numbers
    ("my NHS number is 943 476 5919", "my NHS number is [NHS number removed]", NHS),
    ("943-476-5919", "[NHS number removed]", NHS),
    ("NHS no: 943.476.5919", "NHS no: [NHS number removed]", NHS),
    ("9434765919", "[NHS number removed]", NHS),
    # National Insurance numbers
    ("QQ 12 34 56 C", "[NI number removed]", NI),
    ("qq123456c", "[NI number removed]", NI),
    ("QQ 123456 C", "[NI number removed]", NI),
    ("QQ 12 34 56C", "[NI number removed]", NI),
    ("AB-12-34-56-C", "[NI number removed]", NI),
    ("NI AB 12 34 56", "NI [NI number removed]", NI),  # no final letter: a prefix HMRC issues
    # street addresses: a house number and a street word
    ("I live at 12 Acacia Avenue", "I live at [address removed]", ADDRESS),
    ("12a oak rd", "[address removed]", ADDRESS),
    ("14-16 High Street", "[address removed]", ADDRESS),
    ("42 Rookery Lane", "[address removed]", ADDRESS),
    ("3 Elm Close", "[address removed]", ADDRESS),
    ("7 Arden Way", "[address removed]", ADDRESS),
    ("9 Harborne Drive", "[address removed]", ADDRESS),
    ("10 Orchard Grove", "[address removed]", ADDRESS),
    ("5 Hill St.", "[address removed]", ADDRESS),
    ("at 123 Soho Rd, near", "at [address removed], near", ADDRESS),
    ("12, Oak Road", "[address removed]", ADDRESS),
    ("no. 12 Oak Road", "no. [address removed]", ADDRESS),
    ("12 acocks green road", "[address removed]", ADDRESS),
    ("12 Church Hill Road, Birmingham", "[address removed], Birmingham", ADDRESS),
    ("Flat 3, 12 St Mary's Road", "Flat 3, [address removed]", ADDRESS),
    ("1500 Stratford Road", "[address removed]", ADDRESS),
    ("12 Oak Road and 14 Elm Street", "[address removed] and [address removed]", ADDRESS),
    # several at once: each is named once, in rule order
    (
        "12 Oak Road B13 0HN 0121 496 0000 jo@example.com",
        "[address removed] [postcode removed] [phone number removed] [email removed]",
        EMAIL + PHONE + POSTCODE + ADDRESS,
    ),
]

# Ordinary sentences: nothing in them is a personal detail, and they are stored as written.
UNTOUCHED = [
    "the B13 area and 2 buses an hour",
    "B10 and B11 feel forgotten; WV10 too.",  # outward codes alone: a district of many homes
    "The B13 0 sector",
    "Stop and search in WS1 and WV10 is up 30%.",
    "In 2019 about 45% of residents in Sparkbrook had no car.",
    "Between 2011 and 2021 the population grew by 12.5%.",
    "In 2021 19.4% of B10 residents",
    "About 1,719 LSOAs and 192 wards.",
    "LSOA E01000901 and ward E05011118",
    "Bordesley Green, Sparkhill and Soho & Jewellery Quarter need more youth clubs.",
    "Since 2019 Hall Green has lost 3 banks.",
    "There are 3 Acocks Green mosques.",
    "Since 2020 Soho Road has changed.",
    "The 50 bus down Alcester Road is packed.",
    "We were 4 people on Coventry Road.",
    "we waited 45 minutes at the Stratford Road stop",
    "It takes 20 minutes to walk to the GP on the main road.",
    "a 10 minute walk to the park",
    "3 shops close early on Sundays.",
    "2 kids walk to school",
    "The 2 lane road outside the school is dangerous.",
    "the 2 way street",
    "£12 Oak Road voucher",
    "Route 11 Outer Circle bus",
    "Flat 3 needs repairs.",
    "The surgery has 2 doctors and 3 nurses.",
    "Open 9 to 5, Monday to Friday.",
    "Call NHS 111 if you are worried.",
    "a 0121 number",
    "Rates of 0.5 1.2 2.4 3.1 4.0 per 1,000.",
    "We meet at 10.30 on 01.02.2026 in the library.",
    "On 01.02.2026 10.30 we met.",
    "01-02-2026 10-30 at the hall",
    "Take the M6 2nd exit, then the M5 3rd junction.",
    "Birmingham B1 1st floor",
    "A38 and M6 2 lanes closed",
    "B4 7 days a week",
    "Find out more at nhs.uk or bbc.co.uk.",
    "she works at boots.com",
    "meet me at 5.30",
    "I met him at the cafe.",
    "Email the council at their office.",
    "Look at it dot by dot.",
    "worked at a dot com startup",
]


@pytest.mark.parametrize(("typed", "stored", "found"), CAUGHT, ids=[c[0] for c in CAUGHT])
def test_every_variant_we_claim_to_catch_is_removed(typed, stored, found):
    assert redaction.redact(typed) == (stored, found)


@pytest.mark.parametrize("sentence", UNTOUCHED)
def test_ordinary_sentences_are_stored_exactly_as_written(sentence):
    assert redaction.redact(sentence) == (sentence, [])


def test_every_rule_has_variants_in_the_table():
    labels = {label for _, _, found in CAUGHT for label in found}
    assert labels == {rule.label for rule in redaction.RULES}


def test_the_postcode_areas_are_the_royal_mail_list():
    assert len(redaction.POSTCODE_AREAS) == 121 + 3  # and Guernsey, Jersey, the Isle of Man
    assert {"B", "CV", "DY", "WS", "WV"} <= redaction.POSTCODE_AREAS


def test_a_long_note_with_details_throughout_keeps_everything_else():
    note = (
        "The bus stop on Soho Road has no shelter. My mum (07700 900123, 12 Oak Road, "
        "B21 9QQ) waits 20 minutes in the rain; email jo dot bloggs at example dot com."
    )
    stored, found = redaction.redact(note)
    assert stored == (
        "The bus stop on Soho Road has no shelter. My mum ([phone number removed], "
        "[address removed], [postcode removed]) waits 20 minutes in the rain; email "
        "[email removed]."
    )
    assert found == EMAIL + PHONE + POSTCODE + ADDRESS


def test_capture_and_moderation_both_redact():
    validated = insights.validate(
        insights.Insight("E01000901", "health", "barrier", "ring 0121 496 0000", True),
        {"health"},
        set(),
        {"E01000901"},
        set(),
    )
    assert validated.text == "ring [phone number removed]"
    with pytest.raises(insights.InsightError, match="over 1,000 characters"):
        # Markers longer than what they hide cannot push a note past the limit unnoticed.
        insights.validate(
            insights.Insight("E01000901", "health", "barrier", "AB123456C " * 99, True),
            {"health"},
            set(),
            {"E01000901"},
            set(),
        )
