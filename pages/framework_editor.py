"""Edit the framework (facilitators): domains, indicators, new indicators from the data,
and every version kept, compared and restorable."""

import streamlit as st

from arp.ui import framework_editor, signin

st.title("Edit the framework")
st.write(
    "Every change is saved as a new version of the framework, with who, when and why; "
    "the maps use the current version. A link with ?fw=N shows version N."
)
facilitator = signin.current_facilitator()
if not signin.facilitator_signed_in() or facilitator is None:
    st.stop()
framework_editor.editor(facilitator)
