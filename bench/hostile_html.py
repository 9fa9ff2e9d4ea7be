"""Hostile HTML to text: how long `html_to_text` takes on markup that never closes.

    .venv/bin/python -m bench.hostile_html

Prints, per pattern, the input size and the time; the promise is under 1 s for 1 MB (CVE-2025-6069
made the standard library's parser quadratic on these: 60 KB of `<a ` took 30-40 s).
"""

from __future__ import annotations

import time

from messaging.inbound.reading.html_text import html_to_text

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
}


def main() -> None:
    for size in (60_000, 1_000_000):
        for name, unit in PATTERNS.items():
            html = (unit * (size // len(unit) + 1))[:size]
            start = time.perf_counter()
            text = html_to_text(html)
            elapsed = time.perf_counter() - start
            print(f"{size:>9,} chars  {elapsed * 1000:8.1f} ms  {len(text):>9,} chars of text  {name}")


if __name__ == "__main__":
    main()
