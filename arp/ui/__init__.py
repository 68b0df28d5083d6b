"""Streamlit helpers for the pages, and with pages/ the only code that imports streamlit.

- `data`: cached reads of the public database and the workshop store (never writes to the page)
- `page_state`: the view in the URL, widget defaults, join-link sessions, presentation mode
- `widgets`: shared widgets (tab icon, level picker, area search, downloads, `plain` text)
- `map_element`: the map component in the page
- `files`: server-rendered images and PDFs for download
- `signin`: facilitator sign-in
- `server_guard`: what serve.py keeps from browsers (metrics, the script's path)
"""
