"""Facilitator sign-in: the password hash from the environment or Streamlit secrets."""

from __future__ import annotations

import streamlit as st

from arp import insights, settings


def facilitator_password_hash() -> str | None:
    """From ARP_FACILITATOR_PASSWORD_HASH, or Streamlit secrets; there is no default."""
    configured = settings.facilitator_password_hash_from_environment()
    if configured:
        return configured
    try:
        return st.secrets.get("facilitator_password_hash")
    except FileNotFoundError:
        return None


def current_facilitator() -> str | None:
    """The signed-in facilitator's name for log lines, or None: never shows a form."""
    return "facilitator" if st.session_state.get("facilitator") else None


def facilitator_signed_in() -> bool:
    """True when a facilitator is signed in; otherwise shows the sign-in form."""
    if st.session_state.get("facilitator"):
        return True
    stored = facilitator_password_hash()
    if not stored:
        st.error(
            "No facilitator password is set. Set ARP_FACILITATOR_PASSWORD_HASH (make one with "
            "`arp hash-password`) or facilitator_password_hash in Streamlit secrets."
        )
        return False
    password = st.text_input("Facilitator password", type="password")
    if st.button("Sign in"):
        if insights.check_password(password, stored):
            st.session_state["facilitator"] = True
            st.rerun()
        st.error("That password is not right.")
    return False
