"""What a text says: keywords in the forms students really type, and the carrier words kept apart."""

from __future__ import annotations

import pytest

from messaging.inbound.reading.sms_keywords import RESERVED_WORDS, Keyword, is_pleasantry, is_question, parse


@pytest.mark.parametrize(
    ("text", "keyword", "argument"),
    [
        ("CHECKIN", Keyword.checkin, ""),
        ("checkin", Keyword.checkin, ""),
        ("Check in", Keyword.checkin, ""),
        ("check-in", Keyword.checkin, ""),
        ("Check-In!", Keyword.checkin, ""),
        ("  CHECK IN  ", Keyword.checkin, ""),
        ("✅ checkin", Keyword.checkin, ""),
        ("checkin 👍", Keyword.checkin, ""),
        ("chekin", Keyword.checkin, ""),
        ("checkn", Keyword.checkin, ""),
        ("checkinn", Keyword.checkin, ""),
        ("cheskin", Keyword.checkin, ""),
        ("arrived", Keyword.checkin, ""),
        ("I'm here", Keyword.checkin, ""),
        ("here!", Keyword.checkin, ""),
        ("checkin 2", Keyword.checkin, "2"),
        ("CHECKOUT", Keyword.checkout, ""),
        ("check out", Keyword.checkout, ""),
        ("Check-Out.", Keyword.checkout, ""),
        ("chekout", Keyword.checkout, ""),
        ("checkuot", Keyword.checkout, ""),
        ("leaving", Keyword.checkout, ""),
        ("Leaving now!", Keyword.text, "Leaving now!"),
        ("done", Keyword.checkout, ""),
        ("checkout, thanks!", Keyword.checkout, "thanks!"),
        # the words after CHECKOUT, as typed, are the day's reflection, however many there are
        ("CHECKOUT learned to read an X-ray", Keyword.checkout, "learned to read an X-ray"),
        (
            "Checkout: Learned CPR on a dummy, and how triage works in the ER.",
            Keyword.checkout,
            "Learned CPR on a dummy, and how triage works in the ER.",
        ),
        ("check-out - filed 40 charts", Keyword.checkout, "filed 40 charts"),
        ("HELP", Keyword.help, ""),
        ("help?", Keyword.help, ""),
        ("info", Keyword.help, ""),
        ("who am i", Keyword.who, ""),
        ("WHOAMI", Keyword.who, ""),
        ("1", Keyword.choice, "1"),
        ("#2", Keyword.choice, "2"),
        ("option 2", Keyword.choice, "2"),
        ("FIND", Keyword.search, ""),
        ("find nursing", Keyword.search, "nursing"),
        ("READY", Keyword.ready, ""),
    ],
)
def test_keywords(text: str, keyword: Keyword, argument: str) -> None:
    parsed = parse(text)
    assert (parsed.keyword, parsed.argument) == (keyword, argument)


@pytest.mark.parametrize("text", ["STOP", "stop", "Stop.", " STOPALL ", "unsubscribe", "CANCEL", "end", "Quit!"])
def test_carrier_opt_out_words(text: str) -> None:
    assert parse(text).keyword == Keyword.opt_out


@pytest.mark.parametrize("text", ["START", "yes", "Unstop"])
def test_carrier_opt_in_words(text: str) -> None:
    assert parse(text).keyword == Keyword.opt_in


@pytest.mark.parametrize(
    "text",
    [
        "stop texting me",
        "yes please",
        "I will start at 9",
        "done with the charts",
        "Shadow the x-ray tech",
        "in the lab today",
        "end of the day",
        "help me find the front desk",
        "check out the new MRI scanner with Dr Chen today",  # goals: "check out" is a verb here
        "",
    ],
)
def test_sentences_are_free_text_not_keywords(text: str) -> None:
    assert parse(text).keyword == Keyword.text


def test_our_keywords_never_reuse_carrier_words() -> None:
    ours = {"checkin", "checkout", "who", "find", "ready"}
    assert not ours & RESERVED_WORDS
    assert "help" in RESERVED_WORDS  # HELP keeps its standard meaning: it answers with help


@pytest.mark.parametrize(
    ("text", "pleasantry"),
    [
        ("thanks!", True),
        ("Thank you so much 🙏", True),
        ("ok bye", True),
        ("done for today", True),
        ("👍", True),
        ("gracias", True),
        ("learned to read an X-ray", False),
        ("Thanks! I learned how triage works", False),
    ],
)
def test_a_thank_you_is_not_a_reflection(text: str, pleasantry: bool) -> None:
    assert is_pleasantry(text) is pleasantry


def test_a_question_is_not_a_reflection() -> None:
    assert is_question("who is my mentor tomorrow?") and not is_question("learned what a CT is")
