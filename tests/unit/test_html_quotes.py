"""HTML replies are cut in the tree: each client's quote markup around a random new text and a
random original yields exactly the new text, and none of the original reaches the text reading."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from hypothesis import given, settings
from hypothesis import strategies as st

from messaging.inbound.reading.html_text import reply_html_to_text
from messaging.inbound.reading.reply_text import split_reply

_NEW = (
    "yes no she he was here all day great work thanks today left early helped with intake charts arrived late "
    "stayed until four did not come approved denied we can take them tuesdays sí vino élève genehmigt"
)
NEW_WORDS = _NEW.split()
# The original's words are capitalised and never among the new text's: a leak is easy to see.
_ORIGINAL = "RELAY ATTENDANCE CHECK PLEASE REPLY MAYA RIVERSIDE CLINIC CONFIRM SCHEDULE NINE THREE"
ORIGINAL_WORDS = _ORIGINAL.split()

new_lines = st.lists(
    st.lists(st.sampled_from(NEW_WORDS), min_size=1, max_size=10).map(" ".join).map(lambda s: s.capitalize() + "."),
    min_size=1,
    max_size=4,
)
original_paragraphs = st.lists(
    st.lists(st.sampled_from(ORIGINAL_WORDS), min_size=1, max_size=12).map(" ".join), min_size=1, max_size=5
)

ATTRIBUTION = "On Tue, Mar 10, 2026 at 3:05 PM Pat Quill &lt;pat@school.test&gt; wrote:"
HEADER = (
    "<b>From:</b> Pat Quill &lt;pat@school.test&gt;<br><b>Sent:</b> Tuesday, March 10, 2026 3:05 PM<br>"
    "<b>To:</b> Dana Lee<br><b>Subject:</b> Check-in"
)


def _divs(lines: list[str]) -> str:
    return "".join(f"<div>{escape(line)}</div>" for line in lines)


def _paragraphs(paragraphs: list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs)


def gmail(new: list[str], original: list[str]) -> str:
    return (
        f'<div dir="ltr">{_divs(new)}</div><br><div class="gmail_quote gmail_quote_container">'
        f'<div dir="ltr" class="gmail_attr">{ATTRIBUTION}<br></div><blockquote class="gmail_quote" '
        f'style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">'
        f"{_paragraphs(original)}</blockquote></div>"
    )


def gmail_signature(new: list[str], original: list[str]) -> str:
    return (
        f'<div dir="ltr">{_divs(new)}<div><br clear="all"></div><div><br></div><div dir="ltr" '
        f'class="gmail_signature" data-smartmail="gmail_signature"><div dir="ltr">{_divs(original[:1])}</div>'
        f"</div></div>" + gmail([], original)[len('<div dir="ltr"></div>') :]
    )


def gmail_extra(new: list[str], original: list[str]) -> str:
    return (
        f'<div dir="ltr">{_divs(new)}<div class="gmail_extra"><br><div class="gmail_quote">{ATTRIBUTION}<br>'
        f'<blockquote class="gmail_quote" style="margin:0 0 0 .8ex;border-left:1px #ccc solid;padding-left:1ex">'
        f'{_paragraphs(original)}</blockquote></div><br>-- <br><div class="gmail_signature">'
        f"{_divs(original[:1])}</div></div></div>"
    )


def apple_mail(new: list[str], original: list[str]) -> str:
    return (
        f'<html><body style="overflow-wrap: break-word;">{_divs(new)}<div><br><blockquote type="cite"><div>'
        f'{ATTRIBUTION}</div><br class="Apple-interchange-newline"><div>{_paragraphs(original)}</div></blockquote>'
        "</div><br></body></html>"
    )


def ios_mail(new: list[str], original: list[str]) -> str:
    return (
        f'<html><body><div dir="ltr">{_divs(new)}</div><div dir="ltr"><br><blockquote type="cite">{ATTRIBUTION}'
        f'<br><br></blockquote></div><blockquote type="cite"><div dir="ltr">{_paragraphs(original)}</div>'
        "</blockquote></body></html>"
    )


def thunderbird(new: list[str], original: list[str]) -> str:
    return (
        f'<html><body><p>{"<br>".join(escape(line) for line in new)}</p><div class="moz-cite-prefix">On 3/10/26 '
        f'3:05 PM, Pat Quill wrote:<br></div><blockquote type="cite" cite="mid:x@school.test">'
        f"{_paragraphs(original)}</blockquote></body></html>"
    )


def yahoo(new: list[str], original: list[str]) -> str:
    return (
        f'<html><body><div class="ydp1a2b3c4dyahoo-style-wrap">{_divs(new)}</div><div id="yahoo_quoted_1234" '
        f'class="yahoo_quoted"><div style="font-family:Helvetica;font-size:13px;color:#26282a;"><div>{ATTRIBUTION}'
        f'</div><div><br></div><blockquote><div dir="ltr">{_paragraphs(original)}</div></blockquote></div></div>'
        "</body></html>"
    )


def outlook_desktop(new: list[str], original: list[str]) -> str:
    typed = "".join(f'<p class="MsoNormal">{escape(line)}<o:p></o:p></p>' for line in new)
    return (
        f'<html><body lang="EN-US"><div class="WordSection1">{typed}<p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        '<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in">'
        f'<p class="MsoNormal">{HEADER}<o:p></o:p></p></div><p class="MsoNormal"><o:p>&nbsp;</o:p></p>'
        f"{_paragraphs(original)}</div></body></html>"
    )


def outlook_web(new: list[str], original: list[str]) -> str:
    typed = "".join(f'<div class="elementToProof">{escape(line)}</div>' for line in new)
    return (
        f'<html><body dir="ltr">{typed}<div id="appendonsend"></div><hr style="display:inline-block;width:98%" '
        f'tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt">'
        f"{HEADER}</font><div>&nbsp;</div></div><div>{_paragraphs(original)}</div></body></html>"
    )


def exchange_owa(new: list[str], original: list[str]) -> str:
    return (
        f'<html dir="ltr"><body><div style="direction: ltr;font-family: Tahoma;">{_divs(new)}<div><br></div>'
        '<div style="font-family: Times New Roman;"><hr tabindex="-1"><div id="divRpF123456" style="direction: '
        f'ltr;"><font face="Tahoma" size="2">{HEADER}</font><br></div><div></div><div>{_paragraphs(original)}'
        "</div></div></div></body></html>"
    )


def word_2003(new: list[str], original: list[str]) -> str:
    typed = "".join(f"<p class=MsoNormal><span>{escape(line)}<o:p></o:p></span></p>" for line in new)
    return (
        f'<html><body><div class=Section1>{typed}<div class=MsoNormal align=center><hr size=2 width="100%">'
        f"</div><p class=MsoNormal><b><span>From:</span></b><span> Pat Quill [mailto:pat@school.test] <br>"
        f"<b>Sent:</b> Tuesday, March 10, 2026 3:05 PM<br><b>To:</b> Dana Lee<br><b>Subject:</b> Check-in"
        f"</span></p>{_paragraphs(original)}</div></body></html>"
    )


def outlook_mac(new: list[str], original: list[str]) -> str:
    typed = "".join(f"<p class=MsoNormal>{escape(line)}</p>" for line in new)
    return (
        f'<html><body><div class=WordSection1>{typed}<div id="mail-editor-reference-message-container">'
        f'<div style="border:none;border-top:solid #B5C4DF 1.0pt;padding:3.0pt 0in 0in 0in"><p class=MsoNormal>'
        f"{HEADER}</p></div>{_paragraphs(original)}</div></div></body></html>"
    )


def protonmail(new: list[str], original: list[str]) -> str:
    return (
        f'<div style="font-family: Arial;">{_divs(new)}</div><div class="protonmail_quote">------- Original '
        f'Message -------<br>{ATTRIBUTION}<br><blockquote class="protonmail_quote" type="cite">'
        f"{_paragraphs(original)}</blockquote><br></div>"
    )


CLIENTS: dict[str, Callable[[list[str], list[str]], str]] = {
    "gmail": gmail,
    "gmail_signature": gmail_signature,
    "gmail_extra": gmail_extra,
    "apple_mail": apple_mail,
    "ios_mail": ios_mail,
    "thunderbird": thunderbird,
    "yahoo": yahoo,
    "outlook_desktop": outlook_desktop,
    "outlook_web": outlook_web,
    "exchange_owa": exchange_owa,
    "word_2003": word_2003,
    "outlook_mac": outlook_mac,
    "protonmail": protonmail,
}


@settings(max_examples=60, deadline=None)
@given(client=st.sampled_from(sorted(CLIENTS)), new=new_lines, original=original_paragraphs)
def test_each_clients_quote_around_any_reply_yields_exactly_the_reply(
    client: str, new: list[str], original: list[str]
) -> None:
    text = reply_html_to_text(CLIENTS[client](new, original))
    assert not set(text.split()) & set(ORIGINAL_WORDS), text  # the text reading never sees the original
    assert [line.strip() for line in split_reply(text).text.splitlines() if line.strip()] == new


def test_every_client_shape_is_cut_in_the_tree() -> None:
    for client, build in CLIENTS.items():
        text = reply_html_to_text(build(["Yes, all day."], ["PLEASE CONFIRM"]))
        assert "PLEASE" not in text, client
        assert split_reply(text).text == "Yes, all day.", client


def test_an_inline_reply_between_gmail_quotes_keeps_its_answers() -> None:
    html = (
        '<div dir="ltr">See below.</div><div class="gmail_quote"><div class="gmail_attr">' + ATTRIBUTION + "</div>"
        "<blockquote class=gmail_quote><p>Was Maya here?</p></blockquote><div>Yes, all day.</div>"
        "<blockquote class=gmail_quote><p>Did she stay late?</p></blockquote><div>No.</div></div>"
    )
    text = reply_html_to_text(html)
    assert "Yes, all day." in text and "No." in text
    assert "> Was Maya here?" in text


def test_a_reply_below_the_quote_is_read_from_the_whole_text() -> None:
    html = f"<blockquote type=cite>{ATTRIBUTION}<p>Was Maya here?</p></blockquote>"
    assert reply_html_to_text(html).startswith("> ")
    html += "<div>Yes, all day.</div>"
    assert reply_html_to_text(html).splitlines()[-1] == "Yes, all day."


def test_a_rule_in_the_reply_itself_is_not_a_divider() -> None:
    html = "<div>Yes.</div><hr><div>She also asked about Friday.</div>"
    assert reply_html_to_text(html) == "Yes.\n------------------------------\nShe also asked about Friday."
