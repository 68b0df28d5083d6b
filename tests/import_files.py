"""CSV files of transcribed notes for the import's limits, made to an exact size."""

from __future__ import annotations

from arp import insights

HEADER = "place,domain,kind,text\n"
WIDE = "ਸ"  # Gurmukhi, three bytes in UTF-8: notes in Punjabi are long in bytes
WORD = 20  # characters a word: notes have spaces


def padding(size: int) -> str:
    """Words of exactly `size` bytes in UTF-8."""
    chars, left = [], size
    while left >= 4:
        chars.append(" " if len(chars) % (WORD + 1) == WORD else WIDE)
        left -= len(chars[-1].encode())
    return "".join(chars) + "a" * left


def notes_csv(rows: int, size: int | None = None, place="E01000901", domain="health") -> bytes:
    """`rows` different valid notes; with `size`, padded to exactly that many bytes, each
    note within the 1,000-character limit."""
    starts = [f"{place},{domain},barrier,Note {number:05d} " for number in range(rows)]
    lines = [start + "\n" for start in starts]
    if size is not None:
        extra = size - len(HEADER.encode()) - sum(len(line.encode()) for line in lines)
        assert extra >= 0, f"{rows} notes take more than {size:,} bytes"
        each, more = divmod(extra, rows)
        lines = [
            f"{start}{padding(each + (number < more))}\n" for number, start in enumerate(starts)
        ]
        longest = max(len(line.split(",", 3)[3]) for line in lines) - 1
        assert longest <= insights.MAX_TEXT, f"{size:,} bytes do not fit in {rows} notes"
    content = (HEADER + "".join(lines)).encode()
    assert size is None or len(content) == size
    return content
