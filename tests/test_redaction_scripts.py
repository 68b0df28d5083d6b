# ruff: noqa: RUF001
"""Redaction in the languages of the participant pages: personal details found inside Urdu,
Bengali, Panjabi, Arabic, Polish and Romanian sentences, digits written in their own scripts
too, and everyday sentences in those languages left whole."""

from __future__ import annotations

import pytest

from arp.redaction import redact

CAUGHT = [
    # Urdu: a mobile in Extended Arabic-Indic digits, then in ASCII, an email, a postcode
    (
        "میرا نمبر ۰۷۷۰۰ ۹۰۰۱۲۳ ہے، شام کو فون کریں",
        "میرا نمبر [phone number removed] ہے، شام کو فون کریں",
        ["a phone number"],
    ),
    (
        "مجھے 0121 496 0000 پر فون کریں۔",
        "مجھے [phone number removed] پر فون کریں۔",
        ["a phone number"],
    ),
    (
        "ای میل ali.khan@example.com پر لکھیں",
        "ای میل [email removed] پر لکھیں",
        ["an email address"],
    ),
    (
        "ہمارا گھر B13 0HN میں ہے",
        "ہمارا گھر [postcode removed] میں ہے",
        ["a full postcode"],
    ),
    (
        "ہم ۱۲ Acacia Avenue پر رہتے ہیں",
        "ہم [address removed] پر رہتے ہیں",
        ["a street address"],
    ),
    # Arabic: Arabic-Indic digits, international form
    (
        "اتصل بي على ٠٧٧٠٠٩٠٠١٢٣ من فضلك",
        "اتصل بي على [phone number removed] من فضلك",
        ["a phone number"],
    ),
    (
        "رقمي +٤٤ ٧٧٠٠ ٩٠٠١٢٣",
        "رقمي [phone number removed]",
        ["a phone number"],
    ),
    # Bengali: Bengali digits, an NHS number, a postcode with Bengali digits
    (
        "আমার নম্বর ০৭৭০০ ৯০০১২৩, সন্ধ্যায় ফোন করুন",
        "আমার নম্বর [phone number removed], সন্ধ্যায় ফোন করুন",
        ["a phone number"],
    ),
    (
        "আমার NHS নম্বর ৯৪৩ ৪৭৬ ৫৯১৯",
        "আমার NHS নম্বর [NHS number removed]",
        ["an NHS number"],
    ),
    (
        "ঠিকানা B১০ ০AA, স্মল হিথ",
        "ঠিকানা [postcode removed], স্মল হিথ",
        ["a full postcode"],
    ),
    (
        "ইমেল rina.begum@gmail.com এ লিখুন",
        "ইমেল [email removed] এ লিখুন",
        ["an email address"],
    ),
    # Panjabi: Gurmukhi digits
    (
        "ਮੇਰਾ ਨੰਬਰ ੦੭੭੦੦ ੯੦੦੧੨੩ ਹੈ",
        "ਮੇਰਾ ਨੰਬਰ [phone number removed] ਹੈ",
        ["a phone number"],
    ),
    # Polish: the details inside Polish sentences, with their diacritics around them
    (
        "Proszę dzwonić pod numer 07700 900123 wieczorem, dziękuję.",
        "Proszę dzwonić pod numer [phone number removed] wieczorem, dziękuję.",
        ["a phone number"],
    ),
    (
        "Mój e-mail: łukasz.wiśniewski@example.pl, piszcie śmiało.",
        "Mój e-mail: [email removed], piszcie śmiało.",
        ["an email address"],
    ),
    (
        "Mieszkam przy 12 Acacia Avenue, obok sklepu.",
        "Mieszkam przy [address removed], obok sklepu.",
        ["a street address"],
    ),
    (
        "Mój numer NI to QQ 12 34 56 C, a kod B13 0HN.",
        "Mój numer NI to [NI number removed], a kod [postcode removed].",
        ["a National Insurance number", "a full postcode"],
    ),
    # Romanian
    (
        "Sunați-mă la +44 7700 900123, vă rog.",
        "Sunați-mă la [phone number removed], vă rog.",
        ["a phone number"],
    ),
]

KEPT = [
    # counts, years, times and outward codes, written in each script's digits
    "بس ہر ۲۰ منٹ میں آتی ہے، ۲۰۱۹ سے یہی حال ہے، B10 میں",
    "২০১৯ সাল থেকে B10-এ ৩টি দোকান বন্ধ হয়েছে",
    "ਸਾਡੇ ਮੁਹੱਲੇ ਵਿੱਚ ੨ ਬੱਸਾਂ ਇੱਕ ਘੰਟੇ ਵਿੱਚ ਆਉਂਦੀਆਂ ਹਨ",
    "الحافلة تأتي كل ٢٠ دقيقة منذ عام ٢٠١٩",
    "Od 2019 roku w B10 zamknięto 3 sklepy, autobus jeździ co 20 minut.",
    "Din 2019 s-au închis 3 magazine în B10, la ora 10.30.",
]


@pytest.mark.parametrize(("text", "stored", "found"), CAUGHT)
def test_personal_details_are_removed_in_every_script(text, stored, found):
    assert redact(text) == (stored, found)


@pytest.mark.parametrize("text", KEPT)
def test_everyday_sentences_stay_whole(text):
    assert redact(text) == (text, [])
