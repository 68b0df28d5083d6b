"""Fixed styles every page carries (app.py): text contrast and target sizes that meet
WCAG 2.2 AA where Streamlit's own fall short, and a print stylesheet. Fixed CSS only,
never user text."""

import streamlit as st

# Streamlit draws captions at opacity 0.6: #828180 on white, 3.9:1, under AA's 4.5:1 (axe:
# color-contrast). Opaque #5c5c5c is 6.7:1 on white, 6.4:1 on code's and the sidebar's grey.
AA_CSS = (
    '[data-testid="stCaptionContainer"] { color: #5c5c5c !important; opacity: 1 !important; }'
    # The date field's month, day and year parts are 18 x 20 px targets: AA asks 24 x 24 px.
    ' .stDateInput [role="spinbutton"] { display: inline-block; min-width: 24px;'
    " min-height: 24px; line-height: 24px; text-align: center; }"
    # A list's options wrap to a second line rather than end in "…" ("… decile (IoD2019)"
    # and "… score (IoD2025)" must be told apart on a phone). Streamlit's list draws only
    # the rows in view, each 40 px high: two lines at this line height fit in one.
    ' [role="listbox"] [role="option"] > div { white-space: normal; line-height: 1.15;'
    " height: auto; max-height: 38px; display: -webkit-box; -webkit-line-clamp: 2;"
    " -webkit-box-orient: vertical; overflow: hidden; }"
    # A table's toolbar (show, download, search, full screen) sits 44 px above it, where on
    # a phone the heading above runs the whole width: a tap on the table covered its end.
    " @media (max-width: 640px) {"
    ' [data-testid="stElementContainer"]:has(.stDataFrame) { margin-top: 2rem; } }'
    # On a touch screen every control is a 44 px target (WCAG 2.5.5), as the map's areas
    # are: Streamlit draws buttons 40 px high, lists 38 px and the sidebar's toggle 28 px.
    " @media (pointer: coarse) {"
    " .stButton button, .stFormSubmitButton button, .stDownloadButton button,"
    " .stSelectbox .react-aria-ComboBox > div { min-height: 44px; }"
    ' [data-testid="stExpandSidebarButton"], [data-testid="stSidebarCollapseButton"] button'
    " { min-width: 44px; min-height: 44px; } }"
)

# A printed page is the page's content: no sidebar, no header or toolbar, no controls (nor
# an expander holding them); the map keeps its legend and scale.
PRINT_CSS = """
@media print {
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], header,
  [data-testid="stToolbar"], [data-testid="stDecoration"], [data-testid="stStatusWidget"],
  .stButton, .stDownloadButton, .stFormSubmitButton, .stSelectbox, .stMultiSelect,
  .stCheckbox, .stRadio, .stTextInput, .stTextArea, .stSlider, .stFileUploader,
  .stSegmentedControl, .stPills, [data-testid="stPageLink"], [data-testid="stForm"],
  [data-testid="stExpander"]:has(.stSelectbox, .stRadio, .stButton),
  .leaflet-control-zoom, .leaflet-control-layers, .arp-skip-link { display: none !important; }
  .block-container { padding-top: 0 !important; max-width: 100% !important; }
}
"""


def fixed_styles() -> None:
    """The styles above, for the page's run (a style-only st.html takes no space)."""
    st.html(f"<style>{AA_CSS}\n{PRINT_CSS}</style>")
