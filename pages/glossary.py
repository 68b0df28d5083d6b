"""Glossary: the words the pages use, each with its own heading to link to."""

import streamlit as st

from arp import glossary

st.title("Glossary")
st.write("The words the maps, profiles and tables use, in plain English.")
for term in glossary.TERMS:
    st.subheader(term.term, anchor=term.anchor)
    st.write(term.meaning)
st.caption("How each value, interval and score is worked out: see the **Framework** page.")
