"""HTML email bodies as plain text: the whole document, or a reply with its quote cut.

Parsed with lxml (libxml2's HTML parser, `html_render`): linear on hostile markup (runs of `<a `,
`</`, `<!--` that never close are read as a browser reads them, in one pass). `reply_html_to_text`
first cuts the quoted original out of the tree (`html_quotes`: Gmail's, Outlook's and Exchange's,
Apple Mail's, Yahoo's and Thunderbird's quote containers), so the text reading never sees it.
"""

from __future__ import annotations

from messaging.inbound.reading.html_quotes import cut_quotes
from messaging.inbound.reading.html_render import parse_html, tree_to_text


def html_to_text(html: str) -> str:
    """The text of the whole HTML document, quotes written with "> "."""
    root = parse_html(html)
    return tree_to_text(root) if root is not None else ""


def reply_html_to_text(html: str) -> str:
    """The text of an HTML reply with the quoted original cut from its tree. When the cut leaves
    nothing (the reply is below the quote, or it is all a quote), the whole text, for the text
    reading to decide."""
    root = parse_html(html)
    if root is None:
        return ""
    if not cut_quotes(root):
        return tree_to_text(root)
    text = tree_to_text(root)
    return text if text.strip(" \n>") else html_to_text(html)
