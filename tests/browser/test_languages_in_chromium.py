"""The participant pages in Urdu (right to left) and Panjabi in Chromium on a phone: the
page's direction, its script's font served by the app and used, and the browser's own
language chosen when a link names none. Screenshots of each capture page are kept."""

from __future__ import annotations

from datetime import date

import pytest

from arp import i18n, sessions
from tests.browser.conftest import CHROMIUM_ARGS, PHONE  # noqa: F401 (the phone's size)
from tests.conftest import artifacts_dir

pytestmark = pytest.mark.browser


def shot(page, name: str) -> None:
    page.screenshot(path=str(artifacts_dir() / f"languages-{name}.png"), full_page=False)


def _capture(server, phone, workshop_path, code: str):
    session = sessions.create(workshop_path, "Soho Road listening", date.today(), "Library")
    phone.goto(f"{server}/capture?session={session.session_id}&lang={code}")
    title = i18n.translator(code).gettext("Add what you know about a place")
    phone.wait_for_selector(f"h1:has-text('{title}')", timeout=30_000)
    phone.locator(".leaflet-container").first.wait_for(timeout=30_000)
    phone.wait_for_timeout(1500)  # the map's tiles of areas drawn
    return session


def _direction(phone) -> str:
    return phone.evaluate(
        "getComputedStyle(document.querySelector('[data-testid=\"stMain\"] .block-container'))"
        ".direction"
    )


def _font_used(phone, family: str, sample: str) -> bool:
    return phone.evaluate(
        "async ([family, sample]) => { await document.fonts.ready;"
        ' await document.fonts.load(`16px "${family}"`, sample);'
        ' return document.fonts.check(`16px "${family}"`, sample); }',
        [family, sample],
    )


def test_the_capture_page_in_urdu_runs_right_to_left(server, phone, workshop_path):
    _capture(server, phone, workshop_path, "ur")
    assert _direction(phone) == "rtl"
    phone.wait_for_function("document.documentElement.lang === 'ur'", timeout=10_000)
    label = phone.get_by_label("آپ کا نوٹ", exact=True)
    assert phone.evaluate("(e) => getComputedStyle(e).direction", label.element_handle()) == "rtl"
    # Urdu in Nastaliq, the style it is read in, not in Arabic's Naskh
    assert _font_used(phone, "Noto Nastaliq Urdu", "اردو")
    served = phone.request.get(f"{server}/app/static/vendor/noto/NotoNastaliqUrdu-Regular.ttf")
    assert served.status == 200
    assert len(served.body()) > 100_000
    # the map itself stays left to right (Leaflet's controls), its legend in Urdu
    assert (
        phone.evaluate("getComputedStyle(document.querySelector('.leaflet-container')).direction")
        == "ltr"
    )
    phone.get_by_text("اپنی جگہ تلاش کریں").first.wait_for(timeout=10_000)
    # the keyboard's list of areas under the map, in Urdu too
    assert phone.locator(".arp-area-list label").text_content() == "فہرست سے علاقہ منتخب کریں"
    assert phone.locator(".arp-area-list option").first.text_content() == (
        "تمام علاقے، نام کے لحاظ سے"
    )
    shot(phone, "capture-ur")


def test_the_capture_page_in_panjabi(server, phone, workshop_path):
    _capture(server, phone, workshop_path, "pa")
    assert _direction(phone) == "ltr"
    phone.wait_for_function("document.documentElement.lang === 'pa'", timeout=10_000)
    assert _font_used(phone, "Noto Sans Gurmukhi UI", "ਪੰਜਾਬੀ")
    phone.get_by_text("ਨੋਟ ਦੀ ਕਿਸਮ").wait_for(timeout=10_000)
    shot(phone, "capture-pa")


def test_the_browsers_language_is_the_default(server, browser, workshop_path):
    context = browser.new_context(viewport=PHONE, locale="pa-IN", is_mobile=True, has_touch=True)
    page = context.new_page()
    try:
        session = sessions.create(workshop_path, "Langar hall", date.today(), "Gurdwara")
        page.goto(f"{server}/join?session={session.session_id}")
        page.get_by_role("button", name="ਕਿਸੇ ਥਾਂ ਬਾਰੇ ਜੋ ਤੁਸੀਂ ਜਾਣਦੇ ਹੋ ਉਹ ਲਿਖੋ").wait_for(timeout=30_000)
        # the picker says it is a draft, in Panjabi
        picker = page.locator(".st-key-language_picker").first
        picker.wait_for(timeout=10_000)
        shown = picker.evaluate(
            "(e) => e.textContent + ' ' + [...e.querySelectorAll('input')]"
            ".map((i) => i.value + ' ' + (i.getAttribute('aria-label') || '')).join(' ')"
        )
        assert "ਪੰਜਾਬੀ (ਖਰੜਾ, ਭਾਈਚਾਰੇ ਦੀ ਸਮੀਖਿਆ ਦੀ ਉਡੀਕ)" in shown
    finally:
        context.close()
