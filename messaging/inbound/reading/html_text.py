"""HTML email bodies as plain text, keeping what reply trimming needs.

Block elements and <br> become line breaks; text inside <blockquote> is prefixed with "> " per
level, as a plain-text client would quote it; <style>, <script> and <head> are dropped. Built on
the standard library's tokenizer. That tokenizer is quadratic on markup that never closes
(CVE-2025-6069: every `<a `, `</`, `<!--` or `<?` without its end rescans the rest of the input),
so `_defuse` first makes every construct closed, in one linear pass: a `<` whose `>` comes after
the next `<` is written as `&lt;` (it is text to any browser too), complete comments and `<!...>`
/ `<?...>` declarations are dropped (they carry no text), and an unclosed comment opener is text.
Hostile input stays bounded: at most `MAX_HTML_CHARS` are read, at most `MAX_QUOTE_PREFIX` quote
levels are written per line, and the text stops growing at `MAX_TEXT_CHARS`.
"""

from __future__ import annotations

from html.parser import HTMLParser

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "center", "dd", "div", "dl", "dt", "fieldset", "figcaption",
    "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
    "p", "pre", "section", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})  # fmt: skip
SKIPPED_TAGS = frozenset({"head", "script", "style", "title", "template", "noscript"})
MAX_HTML_CHARS = 300_000  # mime.py keeps 200k characters of a part; the reply is at the top
MAX_TEXT_CHARS = 1_000_000
MAX_QUOTE_PREFIX = 20  # deeper quotes are written as this deep


class _TextBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.size = 0
        self.current: list[str] = []
        self.current_has_text = False  # whether `current` holds more than white space
        self.quote_depth = 0
        self.line_depth = 0
        self.skipping = 0
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

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping += 1
        elif tag == "br":
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

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in BLOCK_TAGS:
            self._soft_break()
            if tag == "blockquote":
                self.quote_depth = max(0, self.quote_depth - 1)
                self.line_depth = self.quote_depth
            elif tag == "pre":
                self.pre = max(0, self.pre - 1)
            elif tag in ("p", "table"):
                self._add_line(self._prefix(self.quote_depth).rstrip())

    def handle_data(self, data: str) -> None:
        if self.skipping or self.size >= MAX_TEXT_CHARS:
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


def _defuse(html: str) -> str:
    """The same document with every `<` either opening a construct closed before the next `<`,
    or written as `&lt;`; comments and declarations dropped. Linear: each search resumes where
    the last one stopped."""
    out: list[str] = []
    pos = 0
    next_gt = -1  # the first ">" at or after the current "<" (cached: searched once per stretch)
    comments_end = True  # False once a "-->" search failed: none follows
    while True:
        lt = html.find("<", pos)
        if lt < 0:
            out.append(html[pos:])
            return "".join(out)
        out.append(html[pos:lt])
        if html.startswith("<!--", lt):
            end = html.find("-->", lt + 4) if comments_end else -1
            if end >= 0:
                pos = end + 3
                continue
            comments_end = False
            out.append("&lt;")
            pos = lt + 1
            continue
        if next_gt < lt:
            next_gt = html.find(">", lt)
            if next_gt < 0:
                next_gt = len(html)
        following = html.find("<", lt + 1, next_gt)
        if next_gt == len(html) or following >= 0:
            out.append("&lt;")  # never closed before the next tag: text
            pos = lt + 1
        elif html.startswith(("<!", "<?"), lt):
            pos = next_gt + 1  # a declaration or processing instruction: no text
        else:
            out.append(html[lt : next_gt + 1])
            pos = next_gt + 1


def html_to_text(html: str) -> str:
    builder = _TextBuilder()
    try:
        builder.feed(_defuse(html[:MAX_HTML_CHARS]))
        builder.close()
    except Exception:  # the tokenizer is lenient; this is a last resort
        return " ".join(html[:MAX_HTML_CHARS].split())
    return builder.text()
