"""Hostile HTML to text: how long `html_to_text` takes on markup that never closes.

    .venv/bin/python -m bench.hostile_html

Prints, per pattern, the input size and the time of `html_to_text` (the whole document) and of
`reply_html_to_text` (parse, cut the quote, render: what reading an HTML-only reply costs); the
promise is under 1 s for 1 MB (CVE-2025-6069 made the standard library's parser quadratic on the
first ones: 60 KB of `<a ` took 30-40 s; the HTML5 tree builders are quadratic on deep nesting).
"""

from __future__ import annotations

import time

from messaging.inbound.reading.html_text import html_to_text, reply_html_to_text

PATTERNS = {
    "issue: ('<a '*330+CRLF)*N": "<a " * 330 + "\r\n",
    "'<!--' runs": "<!--" * 250 + "\r\n",
    "'</' runs": "</" * 500 + "\r\n",
    "'<!' runs": "<!" * 500 + "\r\n",
    "'<?' runs": "<?" * 500 + "\r\n",
    "'<![' runs": "<![" * 330 + "\r\n",
    "'<a x=\"' runs": '<a x="' * 160 + "\r\n",
    "<script> then '<a '": "<script>" + "<a " * 330 + "\r\n",
    "comments with '>' no end": "<!-- > " * 150 + "\r\n",
    "nested blockquotes": "<blockquote>" * 80 + "x<br>" + "\r\n",
    "nested divs": "<div>",
    "unclosed '<p><b>'": "<p><b>",
    "unclosed '<li>'": "<li>",
    "unclosed '<a>' with text": "<a>x",
    "misnested '<b><i>x</b></i>'": "<b><i>x</b></i>",
    "gmail quotes in quotes": '<div class="gmail_quote"><blockquote>x<hr>',
    "<hr> then half a From: block": "<hr><div><b>From:</b> a<br>",
}


def main() -> None:
    for size in (60_000, 1_000_000):
        for name, unit in PATTERNS.items():
            html = (unit * (size // len(unit) + 1))[:size]
            start = time.perf_counter()
            text = html_to_text(html)
            elapsed = time.perf_counter() - start
            start = time.perf_counter()
            reply_html_to_text(html)
            reply_elapsed = time.perf_counter() - start
            print(
                f"{size:>9,} chars  {elapsed * 1000:8.1f} ms  reply {reply_elapsed * 1000:8.1f} ms"
                f"  {len(text):>9,} chars of text  {name}"
            )


if __name__ == "__main__":
    main()
