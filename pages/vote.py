"""Dot-voting: spread 10 dots across what matters most for an anti-racist place. One ballot
per participant per session: voting again replaces it, after a reload too."""

import streamlit as st

from arp import room, sessions, settings
from arp.ui import data, joining, language, participant, widgets
from arp.ui.language import _, n_

framework = data.framework()
words = language.picker()
st.title(_("What matters most?"))
path = settings.workshop_database_path()
session = joining.joined_session(required=True)
assert session is not None  # joined_session stops the page otherwise
session_id = session.session_id
st.caption(
    _("{title} · {date}").format(
        title=words.isolate(widgets.plain(session.title)), date=words.date(session.held_on)
    )
)
st.page_link(
    "pages/join.py",
    label=_("Back to your session"),
    icon=":material/home:",
    query_params=language.link_params(session=session_id),
)
widgets.privacy_link(words)
state = room.state(path, session_id)
token = participant.participant_token()


def show_results() -> None:
    shown = sessions.revealed_results(path, session_id)
    if shown is None:
        st.caption(_("The room's results stay private until the facilitator reveals them."))
        return
    if shown.empty:
        return
    titles = {d.id: _(d.title) for d in framework.domains.values()}
    st.subheader(_("The room's priorities"))
    st.bar_chart(
        shown.assign(domain=shown["domain"].map(titles)).set_index("domain")["dots"],
        horizontal=True,
        y_label="",
        x_label=_("dots"),
    )


if state.ended or not state.voting_open:
    st.info(
        _("This session has ended. Thank you.")
        if state.ended
        else _("Voting is not open yet: the facilitator will open it.")
    )
    show_results()
    st.stop()
if token is None:
    st.caption(_("Getting your ballot ready…"))
    st.stop()

cast = sessions.ballot(path, session_id, token)
keys = {domain.id: f"dots-{session_id}-{domain.id}" for domain in framework.scored_domains}
for domain_id, key in keys.items():
    st.session_state.setdefault(key, cast.get(domain_id, 0))  # your ballot, after a reload
st.write(
    n_(
        "You have {count} dot. Give more to what matters more.",
        "You have {count} dots. Give more to what matters more.",
        sessions.DOTS,
    ).format(count=words.number(sessions.DOTS))
)
dots = {
    domain.id: st.number_input(
        widgets.literal(_(domain.title)),
        min_value=0,
        max_value=sessions.DOTS,
        step=1,
        key=keys[domain.id],
    )
    for domain in framework.scored_domains
}
placed = sum(dots.values())
st.progress(
    min(placed, sessions.DOTS) / sessions.DOTS,
    text=n_(
        "{placed} of {total} dot placed", "{placed} of {total} dots placed", sessions.DOTS
    ).format(placed=words.number(placed), total=words.number(sessions.DOTS)),
)
if placed > sessions.DOTS:  # each box allows 10, so together they can hold more
    extra = placed - sessions.DOTS
    st.warning(
        n_(
            "{count} dot too many: take it away, then cast your dots.",
            "{count} dots too many: take them away, then cast your dots.",
            extra,
        ).format(count=words.number(extra))
    )
if st.button(_("Change my dots") if cast else _("Cast my dots"), type="primary"):
    try:
        sessions.vote(
            path,
            session_id,
            token,
            {k: int(v) for k, v in dots.items()},
            set(keys),
        )
    except sessions.SessionError as error:
        # The one refusal a participant meets, in their language; the rest (a reload's
        # worth of rare cases) as the store words them.
        reason = (
            n_(
                "place all {total} dot: you have placed {placed}",
                "place all {total} dots: you have placed {placed}",
                sessions.DOTS,
            ).format(total=words.number(sessions.DOTS), placed=words.number(placed))
            if placed != sessions.DOTS
            else _(str(error))
        )
        st.error(_("Not saved: {reason}.").format(reason=reason))
    else:
        st.success(
            _(
                "Thank you: your dots are counted. While voting is open you can change them "
                "here: your new dots replace these."
            )
        )
elif cast:
    st.caption(_("Your dots are counted. Change them above while voting is open."))
show_results()
