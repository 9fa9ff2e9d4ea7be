"""Rendering an lxml HTML tree as plain text, keeping what reply trimming needs.

Block elements and <br> become line breaks; text inside <blockquote> is prefixed with "> " per
level, as a plain-text client would quote it; <style>, <script> and <head> are dropped. Hostile
input stays bounded: at most `MAX_HTML_CHARS` are parsed (libxml2 is linear on markup that never
closes, and stops nesting at 256 levels), at most `MAX_QUOTE_PREFIX` quote levels are written per
line, the text stops growing at `MAX_TEXT_CHARS`, and the walk is iterative.
"""

from __future__ import annotations

from lxml import etree

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip
SKIPPED_TAGS = frozenset({"head", "script", "style", "title", "template", "noscript"})
MAX_HTML_CHARS = 300_000  # mime.py keeps 200k characters of a part; the reply is at the top
MAX_TEXT_CHARS = 1_000_000
MAX_QUOTE_PREFIX = 20  # deeper quotes are written as this deep
MAX_ELEMENTS = 10_000  # elements rendered; a reply with its quote cut stays far below


class _TextBuilder:
    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.current: list[str] = []
        self.current_has_text = False  # whether `current` holds more than white space
        self.quote_depth = 0
        self.line_depth = 0
        self.pre = 0

    def _add_line(self, line: str) -> None:
        if self.size < MAX_TEXT_CHARS:
            self.lines.append(line)
            self.size += len(line) + 1

    def _prefix(self, depth: int) -> str:
        return "> " * min(depth, MAX_QUOTE_PREFIX)

    def _break(self) -> None:
        text = "".join(self.current)
        if not self.pre:
            text = " ".join(text.split())
        self._add_line(self._prefix(self.line_depth) + text if (text or self.line_depth) else "")
        self.current = []
        self.current_has_text = False
        self.line_depth = self.quote_depth

    def _soft_break(self) -> None:
        if self.current_has_text:
            self._break()

    def start(self, tag: str) -> None:
        if tag == "br":
            self._break()
        elif tag in BLOCK_TAGS:
            self._soft_break()
            if tag == "blockquote":
                self.quote_depth += 1
                self.line_depth = self.quote_depth
            elif tag == "pre":
                self.pre += 1
            elif tag == "li":
                self.current.append("- ")
            elif tag == "hr":
                self._add_line(self._prefix(self.quote_depth) + "-" * 30)

    def end(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self._soft_break()
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
                self.line_depth = self.quote_depth
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
            elif tag in ("p", "table"):
                self._add_line(self._prefix(self.quote_depth).rstrip())

    def data(self, data: str) -> None:
        if self.size >= MAX_TEXT_CHARS:
            return
        if self.pre:
            parts = data.split("\n")
            for part in parts[:-1]:
                self.current.append(part)
                self._break()
            self.current.append(parts[-1])
            self.current_has_text = self.current_has_text or bool(parts[-1].strip())
        else:
            if not self.current:
                self.line_depth = self.quote_depth
            self.current.append(data.replace("\xa0", " "))
            self.current_has_text = self.current_has_text or bool(data.strip())

    def text(self) -> str:
        self._soft_break()
        out: list[str] = []
        for raw in self.lines:
            line = raw.rstrip()
            if line.strip(">").strip() == "" and out and out[-1].strip(">").strip() == "":
                continue
            out.append(line)
        return "\n".join(out).strip("\n")


def tag_of(element: etree._Element) -> str:
    """The lowercase tag name, or "" for comments, processing instructions and entities."""
    tag = element.tag
    return tag.lower() if isinstance(tag, str) else ""


def parse_html(markup: str) -> etree._Element | None:
    """The document's tree (comments and processing instructions dropped), or None if it holds
    nothing. The text is handed over as UTF-8 so a stale <meta charset> cannot re-decode it."""
    data = markup[:MAX_HTML_CHARS].encode("utf-8", errors="replace")
    parser = etree.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.LxmlError, ValueError):  # "Document is empty": nothing a reader would see
        return None
    return root if root is not None and isinstance(root.tag, str) else None


def tree_to_text(root: etree._Element, max_elements: int = MAX_ELEMENTS) -> str:
    """The text of `root` and everything in it, up to `max_elements` elements (the reply is at
    the top; a tree built to be slow is cut short). Iterative: no depth makes it recurse."""
    builder = _TextBuilder()
    walk = etree.iterwalk(root, events=("start", "end"))
    seen = 0
    for event, element in walk:
        tag = tag_of(element)
        if event == "start":
            seen += 1
            if seen > max_elements:
                break
            if tag in SKIPPED_TAGS:
                walk.skip_subtree()
                continue
            builder.start(tag)
            if element.text and tag:
                builder.data(element.text)
        else:
            if tag not in SKIPPED_TAGS:
                builder.end(tag)
            if element.tail and element is not root:
                builder.data(element.tail)
    return builder.text()
