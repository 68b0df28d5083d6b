"""Tables for people: CSV cells a spreadsheet would run as formulas are shown as typed."""

from __future__ import annotations

import pandas as pd

from arp import tables


def test_text_that_a_spreadsheet_would_run_is_kept_as_text():
    frame = pd.DataFrame(
        {
            "text": ['=HYPERLINK("http://x")', "+44 121", "-1 bus", "@SUM(A1)", "fine", None],
            "value": [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0],
        }
    )
    safe = tables.spreadsheet_safe(frame)
    assert safe["text"].tolist()[:5] == [
        '\'=HYPERLINK("http://x")',
        "'+44 121",
        "'-1 bus",
        "'@SUM(A1)",
        "fine",
    ]
    assert pd.isna(safe["text"].iloc[5])
    assert safe["value"].tolist() == [-1.5, 2.0, -3.0, 4.0, 5.0, 6.0]  # numbers stay numbers
    assert frame["text"].iloc[0].startswith("=")  # the original is not changed


def test_the_command_line_csv_is_as_safe_as_the_app_s(capsys):
    from arp import cli

    frame = pd.DataFrame({"group": ["=1+1", "White"], "rate": [-2.5, 3.0]})
    cli._print_table(frame, "csv")
    assert capsys.readouterr().out.splitlines() == ["group,rate", "'=1+1,-2.5", "White,3.0"]
