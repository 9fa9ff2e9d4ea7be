"""Reading yes/no and approve/deny from a reply's new text, and saying "unclear" when in doubt."""

from __future__ import annotations

import time

import pytest

from messaging.inbound.reading.intent import classify

ATTENDANCE = [
    # (reply, kind, feedback)
    ("Yes", "yes", ""),
    ("Yes, great day with the X-rays", "yes", "great day with the X-rays"),
    ("yep, she was here", "yes", "she was here"),
    ("Yeah she was here all day", "yes", "she was here all day"),
    ("Confirmed!", "yes", ""),
    ("Absolutely", "yes", ""),
    ("Absolutely. She shadowed the nurses.", "yes", "She shadowed the nurses."),
    ("👍", "yes", ""),
    ("👍🏽", "yes", ""),
    ("✅ thanks", "yes", ""),
    ("She was here and did great.", "yes", "She was here and did great."),
    ("No. I was here all day and didn't see her.", "no", "I was here all day and didn't see her."),
    ("Present", "yes", ""),
    ("Yes\n\nThanks,\nAnn", "yes", ""),
    ("Yes - great attitude today.\n\nBest regards,\nAnn Lee", "yes", "great attitude today."),
    ("No problem, she was here", "yes", "No problem, she was here"),
    ("No", "no", ""),
    ("Nope", "no", ""),
    ("No - he didn't come in today", "no", "he didn't come in today"),
    ("No. He called in sick.", "no", "He called in sick."),
    ("she never showed up", "no", "she never showed up"),
    ("wasn't here", "no", "wasn't here"),
    ("He was not here today", "no", "He was not here today"),
    ("called in sick", "no", "called in sick"),
    ("Absent today", "no", "today"),
    ("He didn't show up", "no", "He didn't show up"),
    ("No show", "no", ""),
    ("Hi Dana,\n\nYes, she was here.\n\nThanks", "yes", "she was here."),
    ("Sorry, no. He was out sick.", "no", "He was out sick."),
    ("Unfortunately not", "no", ""),
    ("No he was absent", "no", "No he was absent"),
    ("She did not come today", "no", "She did not come today"),
]

APPROVAL = [
    ("Approved", "approve", ""),
    ("approve", "approve", ""),
    ("Approved, thanks!", "approve", ""),
    ("looks good, approved", "approve", "looks good, approved"),
    ("Yes, go ahead", "approve", "go ahead"),
    ("I approve.", "approve", ""),
    ("👍", "approve", ""),
    ("deny", "deny", ""),
    ("Deny. The dates overlap with exams.", "deny", "The dates overlap with exams."),
    ("denied - we need the safety form first", "deny", "we need the safety form first"),
    ("Denied: no transport", "deny", "no transport"),
    ("not approved", "deny", ""),
    ("Not approved until the form is signed", "deny", "until the form is signed"),
    ("I don't approve this yet", "deny", "I don't approve this yet"),
    ("I do not approve", "deny", "I do not approve"),
    ("Rejected, sorry", "deny", "sorry"),
    ("No", "deny", ""),
    ("No apruebo", "deny", "No apruebo"),
]

OTHER_LANGUAGES = [
    ("Sí", "attendance", "yes"),
    ("Si, estuvo aquí todo el día", "attendance", "yes"),
    ("No, no vino hoy", "attendance", "no"),
    ("Oui, elle était là", "attendance", "yes"),
    ("Non", "attendance", "no"),
    ("Ja, sie war da", "attendance", "yes"),
    ("Nein, sie war krank", "attendance", "no"),
    ("Sim", "attendance", "yes"),
    ("Não, faltou hoje", "attendance", "no"),
    ("aprobado", "approval", "approve"),
    ("Aprovado", "approval", "approve"),
    ("Approuvé", "approval", "approve"),
    ("Genehmigt", "approval", "approve"),
    ("rechazado", "approval", "deny"),
    ("Rechazado - falta el seguro", "approval", "deny"),
    ("Refusé", "approval", "deny"),
    ("Abgelehnt", "approval", "deny"),
    ("Negado", "approval", "deny"),
    ("Não aprovado", "approval", "deny"),
]

UNCLEAR = [
    ("not yet", "attendance"),
    ("Not yet", "approval"),
    ("No, not yet", "approval"),
    ("I can't confirm", "attendance"),
    ("Can't confirm she was here", "attendance"),
    ("Yes and no - she left at noon", "attendance"),
    ("Yes, she called in sick", "attendance"),
    ("No, she was here", "attendance"),
    ("Can you call me?", "attendance"),
    ("Can you call me?", "approval"),
    ("which student?", "attendance"),
    ("Which student?", "approval"),
    ("I'll check tomorrow", "attendance"),
    ("I'll check tomorrow", "approval"),
    ("Not sure, I was out today", "attendance"),
    ("I think so", "attendance"),
    ("Maybe", "approval"),
    ("Yes?", "attendance"),
    ("ok", "attendance"),
    ("Thanks", "attendance"),
    ("Thanks", "approval"),
    ("", "attendance"),
    ("> Did Ana attend today?", "attendance"),
    ("No sé", "attendance"),
    ("Je ne sais pas", "attendance"),
    ("Weiß nicht", "attendance"),
    ("Não sei", "attendance"),
    ("Looks good but I need to check with the principal", "approval"),
    ("Yes if the background check clears, otherwise no.", "approval"),
    ("She was here until noon. Does a half day count?", "attendance"),
    ("She was here and did great. Can you send me the evaluation form?", "attendance"),
    ("She isn't here yet", "attendance"),
    ("Noch nicht", "approval"),
    ("Yes, I think so", "attendance"),
    ("I think she was here", "attendance"),
    ("N/A", "attendance"),  # not applicable is no answer: its "n" is not "no"
    ("n/a", "attendance"),
    ("na", "attendance"),
    ("NA", "attendance"),
    ("N/A", "approval"),
    ("n.a.", "approval"),
    ("N/A - she was great", "attendance"),
]


@pytest.mark.parametrize(("text", "kind", "feedback"), ATTENDANCE)
def test_attendance_wording(text: str, kind: str, feedback: str) -> None:
    intent = classify(text, "attendance")
    assert (intent.kind, intent.feedback) == (kind, feedback)


@pytest.mark.parametrize(("text", "kind", "feedback"), APPROVAL)
def test_approval_wording(text: str, kind: str, feedback: str) -> None:
    intent = classify(text, "approval")
    assert (intent.kind, intent.feedback) == (kind, feedback)


@pytest.mark.parametrize(("text", "purpose", "kind"), OTHER_LANGUAGES)
def test_other_languages(text: str, purpose: str, kind: str) -> None:
    assert classify(text, purpose).kind == kind  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "purpose"), UNCLEAR)
def test_unclear_replies_are_not_guessed(text: str, purpose: str) -> None:
    assert classify(text, purpose).kind == "unclear"  # type: ignore[arg-type]


def test_an_unclear_reply_is_kept_whole_as_feedback() -> None:
    assert classify("Yes and no - she left at noon", "attendance").feedback == "Yes and no - she left at noon"
    assert classify("Which student?\n\nThanks,\nAnn", "approval").feedback == "Which student?"
    assert classify("Thanks", "attendance").feedback == ""


def test_quoted_lines_are_ignored_but_the_answer_below_them_is_read() -> None:
    assert classify("> Did Ana attend today?\n> Reply yes or no\n\nyes she did", "attendance").kind == "yes"
    assert classify("> Approve Ana's placement?\n\nDenied - no insurance", "approval").feedback == "no insurance"


def test_a_reason_that_says_not_yet_keeps_the_answer() -> None:
    text = "Abgelehnt - der Betreuer hat die Datenschutzerklärung noch nicht unterschrieben."
    assert classify(text, "approval").kind == "deny"
    assert classify("Negado. O supervisor ainda não enviou os documentos.", "approval").kind == "deny"
    assert classify("No vino. Creo que tenía examen.", "attendance").kind == "no"


def test_a_question_after_a_clear_answer_keeps_the_answer() -> None:
    intent = classify("Yes. Can you send me the evaluation form?", "attendance")
    assert intent == classify("Yes. Can you send me the evaluation form?", "attendance")
    assert intent.kind == "yes"
    assert intent.feedback == "Can you send me the evaluation form?"


def test_feedback_keeps_line_breaks() -> None:
    intent = classify("Yes!\nShe took vitals.\nShe filed charts.", "attendance")
    assert intent.feedback == "She took vitals.\nShe filed charts."


def test_long_and_hostile_text_is_quick() -> None:
    started = time.perf_counter()
    for text in ("no " * 100_000, "not " * 50_000 + "approved", "👍" * 100_000, "yes\n" * 100_000, "a" * 1_000_000):
        classify(text, "attendance")
        classify(text, "approval")
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize(
    ("text", "feedback"),
    [
        ("Yes, great day.\n\nBest regards,\nAnn Lee\nClinic manager", "great day."),
        ("Ja, pünktlich und motiviert.\n\nViele Grüße\nStefan", "pünktlich und motiviert."),
        ("Yes - good work.\n\nRuth Chen, MD\nRiverside Clinic\n(916) 555-0142", "good work."),
        ("Yes. Thanks for sending her!\nShe was a big help.", "Thanks for sending her!\nShe was a big help."),
    ],
)
def test_feedback_drops_closings_and_typed_signatures(text: str, feedback: str) -> None:
    assert classify(text, "attendance").feedback == feedback
