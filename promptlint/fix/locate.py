"""From prompt-text offsets to source offsets: where an edit of a prompt lands in its file."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from promptlint.extract.sections import LineIndex
from promptlint.models import Prompt, Segment

LINE_BREAK = re.compile(r"\r\n|\r|\n")


class EditRejected(Exception):
    """An edit that cannot be applied safely; the message says why, in a few words."""


@dataclass(frozen=True, slots=True)
class SourceEdit:
    """Replace ``source[start:end]`` with ``replacement`` (already encoded for the source)."""

    start: int
    end: int
    replacement: str


def source_offset(index: LineIndex, line: int, col: int) -> int:
    """Offset of a 1-based (line, column) position; EditRejected when it is not in the file."""
    if not 1 <= line <= index.line_count or col < 1:
        raise EditRejected("source map points outside the file")
    return index.offset(line, col)


def dominant_newline(source: str) -> str:
    """The line break the file uses first (what new line breaks in it should be)."""
    found = LINE_BREAK.search(source)
    return found.group() if found else "\n"


class SourceLocator:
    """Maps boundaries between prompt characters to offsets of the file's source text."""

    __slots__ = ("_index", "_segments", "_starts", "_text_len")

    def __init__(self, prompt: Prompt, index: LineIndex) -> None:
        self._index = index
        self._segments = [s for s in prompt.source_map.segments if s.length > 0]
        self._starts = [s.start for s in self._segments]
        self._text_len = len(prompt.text)

    def _segment_of(self, offset: int) -> Segment:
        """The segment holding the character at ``offset``."""
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0:
            raise EditRejected("edit outside the prompt's source map")
        seg = self._segments[i]
        if offset >= seg.start + seg.length:
            raise EditRejected("edit outside the prompt's source map")
        return seg

    def _to_offset(self, line: int, col: int) -> int:
        return source_offset(self._index, line, col)

    def before(self, offset: int) -> int:
        """Source offset where the character at text ``offset`` starts."""
        seg = self._segment_of(offset)
        if seg.linear:
            return self._to_offset(seg.line, seg.col + offset - seg.start)
        if offset != seg.start:
            raise EditRejected("edit starts inside an escape sequence or f-string field")
        return self._to_offset(seg.line, seg.col)

    def after(self, offset: int) -> int:
        """Source offset just after the character at text ``offset - 1``."""
        seg = self._segment_of(offset - 1)
        if seg.linear:
            return self._to_offset(seg.line, seg.col + offset - seg.start)
        if offset != seg.start + seg.length:
            raise EditRejected("edit ends inside an escape sequence or f-string field")
        src_len = seg.length if seg.src_len < 0 else seg.src_len
        return self._to_offset(seg.line, seg.col + src_len)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Source range of text ``[start, end)``; an insertion (start == end) maps to a point."""
        if not 0 <= start <= end <= self._text_len:
            raise EditRejected("edit outside the prompt text")
        if start == end:
            point = self.before(start) if start < self._text_len else self.after(start)
            return point, point
        return self.before(start), self.after(end)
