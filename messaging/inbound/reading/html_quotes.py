"""Where the quoted original starts in an HTML reply, read from the tree the way clients mark it.

`cut_quotes` removes, in an lxml tree:

1. Outlook and Exchange: the reply divider and everything after it in document order. The
   divider is `#divRplyFwdMsg` (Outlook on the web, new Outlook, Outlook mobile), `#divRpF...`
   (Exchange's OWA), `#appendonsend`, `#mail-editor-reference-message-container` (Outlook for Mac
   and mobile), `#OLK_SRC_BODY_SECTION`, Word's `border-top:solid #E1E1E1` (or `#B5C4DF`) div, an
   `<hr>` that a From: block or one of those follows, Zimbra's `<hr data-marker="__DIVIDER__">`, or
   a Word paragraph that opens with a bold "From:" and holds a "Sent:"/"Date:" field too;
2. Gmail's containers: `gmail_signature` (and its "-- " prefix), `gmail_quote`,
   `gmail_quote_container`, `gmail_extra`; Yahoo's `yahoo_quoted`; ProtonMail's `protonmail_quote`;
3. blockquotes (Apple Mail's and Thunderbird's `type=cite`, any other) that no new text follows,
   with Thunderbird's `moz-cite-prefix` attribution above them.

A container with new text between its quotes (an inline reply) is left for the text reading,
which keeps the answers and drops the quoted lines. Work is bounded: only the first
`MAX_ELEMENTS` elements are looked at (the reply is at the top), each once per pass, and at most
`MAX_PROBES` blocks (after an <hr>, or opening with a bold "From:") are read as a header block.
Pure: the tree is changed in place, nothing else is read or written.
"""

from __future__ import annotations

import re

from lxml import etree

from messaging.inbound.reading.html_render import SKIPPED_TAGS, tag_of, tree_to_text
from messaging.inbound.reading.quote_headers import field_block_end
from messaging.inbound.reading.reply_lines import field_kind, read_lines

_DIVIDER_IDS = ("divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container", "olk_src_body_section")
_REPLY_HEADER_IDS = ("divrplyfwdmsg", "divrpf")
_WORD_RULE = re.compile(r"border-top:solid#(?:e1e1e1|b5c4df)")
_CONTAINER_CLASSES = frozenset({
    "gmail_signature", "gmail_signature_prefix", "gmail_quote_container", "gmail_quote", "gmail_extra",
    "protonmail_quote", "protonmail_signature_block",
})  # fmt: skip
_INLINE = ("b", "strong", "span", "font", "a", "i", "em", "u")
MAX_ELEMENTS = 5_000  # elements looked at: a reply's own text, signature and divider come well before
MAX_PROBES = 20  # blocks (after an <hr>, or opening with a bold "From:") read as a possible header


def _classes(element: etree._Element) -> list[str]:
    return (element.get("class") or "").lower().split()


def _text_of(element: etree._Element, limit: int = 200) -> str:
    """The element's text, its first `limit` characters or so (bounded: elements may nest deep)."""
    found: list[str] = []
    size = 0
    for text in element.itertext():
        found.append(str(text))
        size += len(found[-1])
        if size >= limit:
            break
    return "".join(found)


def _remove(element: etree._Element) -> None:
    """Drops `element`, keeping the text that follows it (its tail) in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail and tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _cut_from(element: etree._Element) -> None:
    """Removes `element` and everything after it in document order."""
    node = element
    while tag_of(node) not in ("body", "html"):
        parent = node.getparent()
        if parent is None:
            return
        for following in list(node.itersiblings()):
            parent.remove(following)
        node.tail = None
        if node is element:
            parent.remove(node)
        node = parent


def _walk(root: etree._Element) -> etree.iterwalk:
    return etree.iterwalk(root, events=("start", "end"))


# --- 1. Outlook and Exchange --------------------------------------------------------------------


def _opens_field_block(element: etree._Element) -> bool:
    """Whether the element's text opens with a "From:/Sent:/To:" block (Outlook's header)."""
    lines = [line for line in read_lines(tree_to_text(element, max_elements=200)[:2_000]) if not line.blank]
    return bool(lines) and field_block_end(lines, 0) > 0


def _next_element(element: etree._Element) -> etree._Element | None:
    for seen, following in enumerate(element.itersiblings()):
        if seen > 10:
            break
        if isinstance(following.tag, str) and (tag_of(following) != "div" or _text_of(following, 20).strip()):
            return following
    return None


def _divider_start(element: etree._Element, probes: list[int]) -> etree._Element | None:
    """Where to cut if `element` is a reply divider (for a bold "From:", its paragraph)."""
    tag = tag_of(element)
    ident = (element.get("id") or "").lower()
    if ident.startswith(_DIVIDER_IDS) or (ident.startswith("divrpf") and tag == "div"):
        return element
    if tag == "div" and _WORD_RULE.search((element.get("style") or "").lower().replace(" ", "")):
        return element
    if tag == "hr":
        if element.get("data-marker") == "__DIVIDER__":
            return element
        rule = element  # Word wraps its rule: <div class=MsoNormal><font><span><hr>
        following = _next_element(element)
        for _ in range(4):
            parent = rule.getparent()
            if following is not None or parent is None or tag_of(parent) not in (*_INLINE, "div"):
                break
            rule = parent
            following = _next_element(rule)
        if following is None:
            return None
        if (following.get("id") or "").lower().startswith(_REPLY_HEADER_IDS):
            return rule
        if probes[0] < MAX_PROBES:
            probes[0] += 1
            return rule if _opens_field_block(following) else None
        return None
    if tag in ("b", "strong") and probes[0] < MAX_PROBES and field_kind(_text_of(element, 40).strip()) == "from":
        probes[0] += 1
        block: etree._Element | None = element
        while block is not None and tag_of(block) in _INLINE:
            block = block.getparent()
        if block is not None and tag_of(block) not in ("body", "html") and _opens_field_block(block):
            return block
    return None


# --- 2. containers ------------------------------------------------------------------------------


def _is_container(element: etree._Element) -> bool:
    classes = _classes(element)
    if any(name in _CONTAINER_CLASSES for name in classes):
        return True
    ident = (element.get("id") or "").lower()
    return "yahoo_quoted" in ident or any("yahoo_quoted" in name for name in classes)


def _is_new_text(text: str | None) -> bool:
    return bool(text) and (text or "").strip() not in ("", "--")  # "-- " opens a signature


def _interleaved(container: etree._Element) -> bool:
    """New text after a quote inside the container (not in a signature or a quote container of
    its own): an inline reply, for the text reading."""
    depth = 0
    quoted = False
    walk = _walk(container)
    for seen, (event, element) in enumerate(walk):
        if seen > 2 * MAX_ELEMENTS:
            return False
        is_quote = tag_of(element) == "blockquote"
        if event == "start":
            if element is not container and not is_quote and _is_container(element):
                walk.skip_subtree()
                continue
            depth += is_quote
            if isinstance(element.tag, str) and _is_new_text(element.text):
                if depth:
                    quoted = True
                elif quoted:
                    return True
        else:
            inner = element is not container and not is_quote and _is_container(element)
            depth -= is_quote and not inner
            if element is not container and _is_new_text(element.tail) and quoted and not depth:
                return True
    return False


# --- the passes ---------------------------------------------------------------------------------


def _find_cuts(root: etree._Element) -> tuple[etree._Element | None, list[etree._Element]]:
    """The reply divider (if any) and the quote containers before it, in one bounded pass."""
    containers: list[etree._Element] = []
    probes = [0]
    walk = _walk(root)
    seen = 0
    for event, element in walk:
        if event != "start" or not isinstance(element.tag, str):
            continue
        seen += 1
        if seen > MAX_ELEMENTS:
            break
        if _is_container(element):
            containers.append(element)
            walk.skip_subtree()
            continue
        start = _divider_start(element, probes)
        if start is not None:
            return start, containers
    return None, containers


def _trailing_blockquotes(root: etree._Element) -> list[etree._Element]:
    """The outermost blockquotes that no new text (text outside any quote) follows."""
    quotes: list[etree._Element] = []
    walk = _walk(root)
    seen = 0
    for event, element in walk:
        if event == "start":
            seen += 1
            if seen > MAX_ELEMENTS:
                break
            if tag_of(element) == "blockquote":
                quotes.append(element)
                walk.skip_subtree()
            elif tag_of(element) in SKIPPED_TAGS:
                walk.skip_subtree()
            elif element.text and element.text.strip() and isinstance(element.tag, str):
                quotes = []
        elif element is not root and element.tail and element.tail.strip():
            quotes = []
    return quotes


def cut_quotes(root: etree._Element) -> bool:
    """Removes the quoted original (and Gmail's signature) from the tree; True if anything was cut."""
    divider, containers = _find_cuts(root)
    if divider is not None:
        _cut_from(divider)
    kept = [element for element in containers if _interleaved(element)]
    for element in containers:
        if element not in kept:
            _remove(element)
    quotes = _trailing_blockquotes(root)
    for quote in quotes:
        previous = quote.getprevious()
        if previous is not None and "moz-cite-prefix" in _classes(previous):
            _remove(previous)
        _remove(quote)
    return divider is not None or len(kept) < len(containers) or bool(quotes)
