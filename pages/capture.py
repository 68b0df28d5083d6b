"""Add an insight: what you know about a place, in your words. Designed for phones."""

import streamlit as st

from arp import insights, room, settings
from arp.ui import data, map_element, page_state, widgets

framework = data.framework()
st.title("Add what you know about a place")
st.write(
    "Your note is anonymous. A facilitator reads every note before it appears on the map. "
    "Places are kept at neighbourhood level (LSOA), never as the exact point of a home."
)

joined = page_state.session_from_link()
if joined and not room.state(settings.workshop_database_path(), joined).capture_open:
    st.info("This session is not taking notes now. Thank you for coming.")
    st.stop()

st.caption("Tap your neighbourhood on the map, or search for it by name or postcode.")
tapped = map_element.place_picker(data.query("within_options")["code"].iloc[0])
place, _ = widgets.find_area_box(pick_label="Use this place")
place = place or tapped
chosen_place = place or st.session_state.get("capture_place")
if place:
    st.session_state["capture_place"] = place
if chosen_place:
    st.caption(f"Place: {data.area_label(chosen_place)}")
else:
    st.info("Find your place above: type its name or a postcode.")

domains = {d.id: d.title for d in framework.scored_domains}
domain = st.selectbox("What is it about?", list(domains), format_func=domains.get)
indicator_options = [""] + [i.id for i in framework.in_domain(domain)]
indicator = st.selectbox(
    "Which measure, if any?",
    indicator_options,
    format_func=lambda i: "None in particular" if not i else framework.indicators[i].title,
)
kind = st.radio("Kind of note", list(insights.KINDS), format_func=insights.KINDS.get)
text = st.text_area("Your note", max_chars=insights.MAX_TEXT, height=160)
with st.expander("About you (optional, coarse, only if you choose)"):
    age_band = st.selectbox("Age band", ["", *insights.AGE_BANDS])
    ethnic_group = st.selectbox(
        "Ethnic group you identify with (Census 2021 categories)",
        ["", *data.census_ethnic_groups()],
    )
consent = st.checkbox(
    "I agree that this note, without my name, may be shown on the map and used to shape "
    "the West Midlands Anti-Racist Places Framework."
)
redacted, found = insights.redact(text)
if found:
    st.warning(f"We removed {', '.join(found)} before saving. This is what will be stored:")
    st.text(redacted)

if st.button("Save my note", type="primary"):
    try:
        insight = insights.validate(
            insights.Insight(
                area_code=chosen_place or "",
                domain=domain,
                kind=kind,
                text=text,
                consent=consent,
                indicator_id=indicator or None,
                age_band=age_band or None,
                ethnic_group=ethnic_group or None,
                session_id=page_state.session_from_link(),
                client_token=page_state.submission_token(),
            ),
            set(domains),
            set(framework.indicators),
            data.area_codes(),
            set(data.census_ethnic_groups()),
        )
        insights.save(settings.workshop_database_path(), insight)
    except insights.InsightError as error:
        st.error(f"Not saved: {error}.")
    else:
        page_state.new_submission_token()
        st.success("Thank you. Your note is saved and waits for a facilitator.")
