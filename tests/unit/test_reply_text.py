"""Splitting a reply's new text from the quote: markers, quote headers, signatures, bounded time."""

from __future__ import annotations

import time

import pytest

from messaging.inbound.reading.html_text import html_to_text
from messaging.inbound.reading.reply_text import split_reply

MARKER = "##- Please type your reply above this line -##"


def new_text(text: str) -> str:
    return split_reply(text).text


# --- Relay's marker ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "marker",
    [
        MARKER,
        "##- Escriba su respuesta encima de esta línea -##",
        "##- Veuillez répondre au-dessus de cette ligne -##",
        "##- Bitte oberhalb dieser Zeile antworten -##",
        "##- Responda acima desta linha -##",
    ],
)
def test_the_marker_is_the_first_cut_in_every_language(marker: str) -> None:
    reply = split_reply(f"Yes, she was here\n\n> {marker}\n> Did Ana attend today?\n")
    assert reply.text == "Yes, she was here"
    assert reply.marker and reply.quoted


def test_the_marker_cuts_an_unquoted_original_and_the_header_above_it() -> None:
    text = "Yes\n\nFrom: Relay <reply+abc@relay.test>\nSent: Monday\nTo: Ann\nSubject: Attendance\n\n"
    assert new_text(text + f"{MARKER}\nDid Ana attend?\n") == "Yes"
    assert new_text("Yes\n\nOn Mon, 3 Jun 2024 at 09:00, Relay <r@x.test> wrote:\n" + f"> {MARKER}\n> Did") == "Yes"


def test_nothing_typed_above_an_unquoted_marker_is_an_empty_reply() -> None:
    text = f"\n________________________________\nFrom: Relay <r@x.test>\nSent: today\n\n{MARKER}\nDid Ana attend?"
    assert new_text(text) == ""


def test_a_reply_below_a_quoted_marker_is_read_there() -> None:
    text = f"On Mon, 3 Jun 2024 at 09:00, Relay <r@x.test> wrote:\n> {MARKER}\n> Did Ana attend?\n\nyes she did\n"
    assert new_text(text) == "yes she did"


# --- quote headers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "On Mon, Jun 3, 2024 at 9:05\u202fAM Relay <reply+abc@relay.test> wrote:",
        "On Mon, Jun 3, 2024 at 9:05 AM Relay <\nreply+abc@relay.test> wrote:",
        "Le lun. 3 juin 2024 à 09:05, Relay\n<reply+abc@relay.test>\na écrit :",
        "El lun, 3 jun 2024 a las 9:05, Relay (<reply+abc@relay.test>) escribió:",
        "Am Mo., 3. Juni 2024 um 09:05 Uhr schrieb Relay <reply+abc@relay.test>:",
        "Relay <reply+abc@relay.test> schrieb am Mo., 3. Juni 2024 um\n09:05:",
        "Em seg., 3 de jun. de 2024 às 09:05, Relay <reply+abc@relay.test> escreveu:",
        "Op ma 3 jun. 2024 om 09:05 schreef Relay <reply+abc@relay.test>:",
        "Il giorno lun 3 giu 2024 alle ore 09:05 Relay <reply+abc@relay.test> ha scritto:",
        "Den 3. jun. 2024 kl. 09.05 skrev Relay <reply+abc@relay.test>:",
        "pon., 3 cze 2024 o 09:05 Relay <reply+abc@relay.test> napisał(a):",
        "пн, 3 июн. 2024 г. в 09:05, Relay <reply+abc@relay.test>:",
        "在 2024年6月3日，09:05，Relay <reply+abc@relay.test> 写道：",
        "2024-06-03 9:05 GMT+02:00 Relay <reply+abc@relay.test>:",
        "---- On Mon, 03 Jun 2024 09:05:00 +0200 Relay <reply+abc@relay.test> wrote ----",
        "At 09:05 03/06/2024, you wrote:",
    ],
)
def test_quote_headers_in_many_clients_and_languages(header: str) -> None:
    text = f"Sí, estuvo aquí.\n\n{header}\n\nDid Ana attend today?\nReply yes or no.\n"
    reply = split_reply(text)
    assert reply.text == "Sí, estuvo aquí."
    assert reply.quoted


@pytest.mark.parametrize(
    "block",
    [
        "From: Relay <r@x.test>\nSent: Monday, June 3, 2024 9:05 AM\nTo: Ann <ann@x.test>\nSubject: Attendance",
        "*From:* Relay <r@x.test>\n*Sent:* Monday, June 3, 2024 9:05 AM\n*To:* Ann\n*Subject:* Attendance",
        "________________________________\nDe: Relay <r@x.test>\nEnviado: lunes, 3 de junio de 2024 9:05\nPara: Ann",
        "-----Ursprüngliche Nachricht-----\nVon: Relay <r@x.test>\nGesendet: Montag, 3. Juni 2024 09:05\nAn: Ann",
        "De : Relay <r@x.test>\nEnvoyé : lundi 3 juin 2024 09:05\nÀ : Ann\nObjet : Présence",
        "De: Relay <r@x.test>\nEnviada em: segunda-feira, 3 de junho de 2024 09:05\nPara: Ann\nAssunto: Presença",
        "-----Original Message-----\nFrom: Relay",
        "-------- Original message --------\nFrom: Relay <r@x.test>\nDate: 6/3/24 9:05 AM",
        "------- Original Message -------\nOn Monday, June 3rd, 2024 at 9:05 AM, Relay <r@x.test> wrote:",
        "---------- Forwarded message ---------\nFrom: Relay <r@x.test>",
        "Begin forwarded message:\n\nFrom: Relay <r@x.test>",
    ],
)
def test_outlook_header_blocks_and_banners(block: str) -> None:
    assert new_text(f"Approved.\n\n{block}\n\nPlease approve Ana's internship.\n") == "Approved."


def test_an_ordinary_sentence_is_not_a_quote_header() -> None:
    above = "On this day\n\nI wrote something\n\nwhich was very interesting."
    assert new_text(f"{above}\n\nOn 28 Jan 2016, at 19:04, Bo wrote:\n> Hi") == above
    assert new_text("On Monday she wrote her report.\nFrom: the desk of Ann") == (
        "On Monday she wrote her report.\nFrom: the desk of Ann"
    )


def test_a_trailing_quote_is_dropped_and_a_leading_one_kept() -> None:
    assert new_text("Yes\n\n> Did Ana attend?\n> Reply yes or no") == "Yes"
    assert new_text("> Did Ana attend?\n\nYes, all day") == "> Did Ana attend?\n\nYes, all day"
    assert split_reply("> only a quote").text == "> only a quote"
    assert new_text("> On Mon, 3 Jun 2024 at 09:00, Relay <r@x.test> wrote:\n>> Did Ana attend?") == ""


def test_a_header_at_the_top_means_the_reply_is_below_the_quote() -> None:
    text = "On 04/02/2012 06:26 PM, Relay wrote:\n> Did Ana attend?\nYes, until noon"
    assert new_text(text) == "Yes, until noon"


def test_an_inline_answer_between_quotes_is_kept() -> None:
    text = "Here you go.\nOn Tue, 2024-06-04 at 18:02 +0530, Relay wrote:\n> Did Ana attend?\n\nYes\n\n> Notes?\n\nNone"
    assert new_text(text) == "Here you go.\n> Did Ana attend?\n\nYes\n\n> Notes?\n\nNone"


def test_windows_line_endings_and_invisible_marks() -> None:
    assert new_text("Yes\r\n\r\nOn Mon, 3 Jun 2024 at 09:00, Relay <r@x.test> wrote:\r\n> Hi\r\n") == "Yes"
    assert new_text("No\n\n\u200eFrom: Relay\n\u200eSent: \u200eMonday\n\u200eTo: Ann\n\nHi") == "No"


# --- signatures -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "device",
    [
        "Sent from my iPhone",
        "Get Outlook for iOS<https://aka.ms/o0ukef>",
        "Get Outlook for Android",
        "Enviado desde mi iPhone",
        "Enviado do meu iPhone",
        "Envoyé de mon iPhone",
        "Von meinem iPhone gesendet",
        "Sent from Yahoo Mail on Android",
        "Sent with Proton Mail secure email.",
        "Sent from my Galaxy",
        "(Sent from mobile device)",
        "從我的 iPhone 傳送",
    ],
)
def test_device_lines_are_signatures(device: str) -> None:
    reply = split_reply(f"Yes, she was here\n\n{device}\n\nOn Mon, 3 Jun 2024 at 09:00, Relay <r@x.test> wrote:\n> Hi")
    assert reply.text == "Yes, she was here"
    assert reply.with_signature == f"Yes, she was here\n\n{device}"


def test_a_dash_dash_block_is_a_signature() -> None:
    reply = split_reply("No, she was sick.\n\n-- \nAnn Lee\nClinic manager\n555-0100")
    assert reply.text == "No, she was sick."
    assert reply.with_signature.endswith("555-0100")
    assert not reply.quoted


def test_sign_offs_and_text_mentioning_phones_are_kept() -> None:
    text = "Yes. She sent me photos from her phone.\n\nThanks,\nAnn"
    assert new_text(text) == text


def test_empty_and_blank_input() -> None:
    assert split_reply("") == split_reply("\n\n  \n")
    assert split_reply("").text == ""


# --- HTML -----------------------------------------------------------------------------------------


def test_html_blockquotes_become_quoted_lines() -> None:
    html = (
        "<div dir='ltr'>Yes&nbsp;she was here<br><br>Ann</div><br>"
        "<div class='gmail_quote'>On Mon, Jun 3, 2024 at 9:05 AM Relay &lt;r@x.test&gt; wrote:<br>"
        "<blockquote class='gmail_quote'><p>##- Please type your reply above this line -##</p>Did Ana attend?"
        "</blockquote></div>"
    )
    text = html_to_text(html)
    assert "> Did Ana attend?" in text
    assert split_reply(text).text == "Yes she was here\n\nAnn"


# --- bounded work ---------------------------------------------------------------------------------

PATHOLOGICAL = {
    "long On...wrote": "On " + "a" * 50_000 + " wrote",
    "long On...wrote: under the line cap": "On 1 " + "a " * 990 + " wrote",
    "100k >": ">" * 100_000,
    "a 1 MB line": "x" * 1_000_000,
    "1 MB of newlines": "\n" * 1_000_000,
    "lines of 1 MB": ("y" * 1_000_000 + "\n") * 3,
    "many header starts": "On 1 a\n" * 50_000,
    "many header fields": "From: a\nTo: b\n" * 50_000,
    "quote and text": "On 1 Jan 2020, a <a@b.c> wrote:\n> q\nt\n" * 10_000,
    "nested quotes": "\n".join(">" * i + " On 1 Jan 2020 a <a@b.c> wrote:" for i in range(3_000)),
    "names and addresses": ('"' + "a" * 99 + '" <' + "b" * 199) * 500,
    "wrapped header windows": "On 1 a\n\n<\n>\n" * 20_000,
    "dashes": ("-" * 1999 + "\n") * 200,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_is_handled_quickly(text: str) -> None:
    started = time.perf_counter()
    split_reply(text)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "html",
    [
        "<blockquote>" * 10_000 + "a<br>" * 10_000,
        "<b> </b>" * 50_000 + "<div>" * 50_000,
        "<p>" * 300_000,
        "<a " + "b='c' " * 100_000 + ">",
    ],
    ids=["deep quotes", "white space then blocks", "many paragraphs", "many attributes"],
)
def test_pathological_html_is_bounded(html: str) -> None:
    started = time.perf_counter()
    text = html_to_text(html)
    assert time.perf_counter() - started < 1.0
    assert len(text) <= 1_100_000
