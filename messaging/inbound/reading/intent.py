"""What a reply means: yes/no for attendance, approve/deny for approval, or unclear.

`classify` reads only the new text of a reply (`messaging.inbound.reading.reply_text.split_reply(...).text`;
quoted lines left in it are ignored). It looks for:

1. a leading answer ("Yes, great day", "No - he didn't come in", "Denied: budget", "👍"). It
   stands unless the sentence it opens hedges or contradicts it ("Yes and no", "Yes, she called in
   sick", "Yes if the check clears", "No, not yet") -> unclear;
2. otherwise, phrases in the first sentences ("she never showed up", "looks good, approved",
   "I don't approve this yet"), with negation ("wasn't here", "not approved"). Phrases both ways,
   none, a hedge ("not sure", "I'll check tomorrow", "I can't confirm") or a question -> unclear.

When in doubt the answer is "unclear": Relay then asks a short question instead of guessing.
`Intent.feedback` is the reply without its leading answer word(s) and closing ("Thanks, Ann").
Text is matched case- and accent-insensitively (English, Spanish, French, German, Portuguese).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Purpose = Literal["attendance", "approval"]
Answer = Literal["yes", "no", "approve", "deny", "unclear"]
MAX_CHARS = 4_000  # an answer is at the top; long text is only kept as feedback
SCAN_SENTENCES = 3  # sentences searched for answer phrases when there is no leading answer


@dataclass(frozen=True)
class Intent:
    kind: Answer
    feedback: str  # the person's comments, without the bare answer


# --- normalising ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    lowered = char.lower()
    if len(lowered) != 1:
        return char
    if lowered in "’‘`´":
        return "'"
    base = unicodedata.normalize("NFKD", lowered)
    return base[0] if base and base[0].isascii() and base[0].isalpha() else lowered


def _fold(text: str) -> str:
    """Lowercased, accents dropped, typographic apostrophes made plain; same length as `text`."""
    return "".join(_fold_char(c) for c in text)


def _words(phrases: str) -> str:
    """A regex alternative from "|"-separated phrases; spaces match any run of blanks."""
    parts = sorted((p.strip() for p in phrases.split("|") if p.strip()), key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in parts)


def _phrases(words: str) -> re.Pattern[str]:
    """Whole-word phrases, found anywhere."""
    return re.compile(rf"(?<![\w'])(?:{_words(words)})(?![\w'])")


# --- vocabulary (folded: lowercase, no accents) --------------------------------------------------

_YES = (
    "yes|yeah|yea|yep|yup|ya|yah|y|yes please|yes indeed|sure|sure thing|confirmed|i confirm|confirm|correct|"
    "absolutely|definitely|of course|affirmative|indeed|certainly|present|si|claro|confirmado|confirmada|"
    "correcto|por supuesto|oui|ouais|confirme|bien sur|tout a fait|ja|jawohl|jep|jo|bestatigt|klar|genau|"
    "sim|certo|com certeza"
)
_NO = (
    "no|no show|no-show|nope|nah|naw|n|negative|absent|not present|not today|not really|unfortunately not|"
    "sadly not|afraid not|non|nein|nao|ausente|absente|abwesend"
)
_APPROVE = (
    "approve|approved|i approve|approve it|approving|yes|yeah|yep|yup|y|sure|ok|okay|k|go ahead|"
    "granted|accepted|accept|confirmed|lgtm|aprobado|aprobada|apruebo|aprobar|si|aprovado|aprovada|aprovo|sim|"
    "approuve|approuvee|j'approuve|oui|d'accord|accepte|genehmigt|ich genehmige|genehmige|ja|freigegeben|"
    "einverstanden|de acuerdo|de acordo"
)
_DENY = (
    "deny|denied|decline|declined|reject|rejected|refuse|refused|disapprove|disapproved|not approved|no|"
    "nope|nah|n|rechazado|rechazada|rechazo|denegado|denegada|negado|negada|no aprobado|refuse|refusee|rejete|"
    "rejetee|non|abgelehnt|lehne ab|nein|nicht genehmigt|nao|recusado|recusada|rejeitado|nao aprovado"
)
_THUMBS_UP = "👍👌✅✔☑🙌💯"
_THUMBS_DOWN = "👎❌✖🚫⛔"
_EMOJI_TRAIL = "\ufe0f\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff"

_LEADS: dict[Purpose, tuple[tuple[Answer, re.Pattern[str]], ...]] = {
    "attendance": (
        ("yes", re.compile(rf"(?:{_words(_YES)})(?![\w'])")),
        ("no", re.compile(rf"(?:{_words(_NO)})(?![\w'])")),
    ),
    "approval": (
        ("approve", re.compile(rf"(?:{_words(_APPROVE)})(?![\w'])")),
        ("deny", re.compile(rf"(?:{_words(_DENY)})(?![\w'])")),
    ),
}

# Not an answer though they start like one: "No problem", "Sure, but which student?".
_NOT_LEADS = re.compile(
    rf"(?:{_words('no problem|no worries|no issues|no issue|no concerns|no complaints|no sweat|no prob|so')}"
    rf"|{_words('ok so|ok but|no hay problema|pas de probleme|kein problem|sem problema')})(?![\w'])"
)
_MIXED = re.compile(r"(?:yes|si|oui|ja|sim)\s*(?:and|or|/|&|y|o|et|ou|und|oder|e)\s*(?:no|non|nein|nao)(?![\w'])")


# "N/A", "n.a.": not applicable is no answer, and its "n" must not be read as "no" (a mentor's
# "N/A" was taken as "she was not there"). Blanked out before reading, same length.
_NOT_APPLICABLE = re.compile(r"(?<![\w'])n\s?[/.]\s?a\b\.?")


def _blank_not_applicable(folded: str) -> str:
    return _NOT_APPLICABLE.sub(lambda match: "~" * len(match.group()), folded)


# Doubt anywhere in what is read: "not sure", "I'll check", "Yes if ... otherwise no".
_HEDGES = _phrases(
    "not sure|unsure|no idea|don't know|dont know|do not know|dunno|not certain|yes and no|yes or no|"
    "i'll check|i will check|will check|let me check|need to check|have to check|i'll find out|"
    "i'll let you know|will let you know|let you know|get back to you|i'll confirm|i will confirm|"
    "will confirm|confirm later|can't confirm|cannot confirm|can not confirm|couldn't confirm|"
    "unable to confirm|not able to confirm|can't say|cannot say|hard to say|call me|give me a call|"
    "which student|what student|who is this|what is this|wrong person|wrong email|not my student|"
    "otherwise|unless|only if|as long as|provided that|on condition|depends|depending|half day|half-day|"
    "no se|no estoy seguro|no estoy segura|no lo se|je ne sais pas|je sais pas|pas sur|pas sure|"
    "weiss nicht|weiß nicht|keine ahnung|nicht sicher|nao sei|nao tenho certeza|solo si|seulement si|nur wenn|"
    "so lange|sauf si|a menos que|a no ser que|desde que"
)
# Second thoughts take an answer back, even a sentence later: "Approve - wait, actually hold off",
# "Yes. Scratch that, she left before lunch".
_RETRACTIONS = _phrases(
    "hold off|hold on|on second thought|on second thoughts|scratch that|never mind|nevermind|wait actually|"
    "actually wait|actually no|ignore that|ignore my last|disregard|espera|attendez|warte"
)
# Doubt about the answer itself: only right after a leading answer ("Yes, I think so", "No,
# probably not"), or anywhere when there is none ("She was here I think").
_SOFT_HEDGES = _phrases(
    "i think|i believe|i guess|i assume|don't think|do not think|maybe|perhaps|probably|possibly|might have|"
    "may have|sort of|kind of|"
    "if|tal vez|quizas|quiza|a lo mejor|creo que|peut-etre|peut etre|je pense|je crois|vielleicht|"
    "wahrscheinlich|ich glaube|ich denke|wenn|falls|talvez|acho que"
)
# "Not yet": the answer only when it opens the reply ("Not yet", "No, not yet"); later it is a
# reason ("Denied - the supervisor has not signed yet").
_NOT_YET_WORDS = "not yet|no not yet|not quite yet|pas encore|noch nicht|todavia no|aun no|ainda nao|still waiting"
_NOT_YET = re.compile(rf"(?:{_words(_NOT_YET_WORDS)})(?![\w'])")
_STILL_TO_COME = _phrases(f"yet|so far|{_NOT_YET_WORDS}")  # attendance: "she's not here yet"
_FIRST_PERSON = frozenset({"i", "we", "i'm", "i've", "yo", "je", "j'ai", "ich", "wir", "eu", "nous", "nosotros"})

_NEGATORS = frozenset(
    {
        *("not", "never", "no", "cannot", "nicht", "nie", "kein", "keine", "nunca", "jamais", "pas", "nao", "ne"),
        *("didnt", "dont", "doesnt", "wasnt", "werent", "isnt", "hasnt", "havent", "wont", "cant", "couldnt"),
    }
)  # and every word ending in "n't"

_NEGATED_VERB_FORMS = ("didn't", "didnt", "did not", "never", "hasn't", "has not", "haven't", "have not")
_PRESENCE_VERBS = ("come", "show", "attend", "arrive", "make it", "turn up", "come in", "show up")
# Phrases that say the student was there; negated ("wasn't here", "didn't come in") they say no.
_PRESENT = _phrases(
    "was here|were here|is here|was there|were there|was present|were present|came in|come in|came today|"
    "came to work|showed up|show up|turned up|attended|arrived|made it|checked in|was on site|worked today|"
    "worked all day|here today|in today|great day|good day|did great|did well|did a great job|did good|"
    "asistio|vino|estuvo|presente|llego|etait la|etait present|etait presente|est venu|est venue|est arrive|"
    "est arrivee|war da|war hier|war anwesend|anwesend|ist gekommen|esteve|veio|compareceu|chegou"
)
# Phrases that say the student was not there; negated ("wasn't absent") they are unclear.
_ABSENT = _phrases(
    "absent|no show|no-show|called in sick|called out|called off|out sick|was sick|is sick|were sick|"
    "sick today|stayed home|stayed at home|missed|skipped|never showed|never came|never arrived|"
    "not here|not in today|wasn't here|was not here|wasnt here|"
    + "|".join(f"{n} {v}" for n in _NEGATED_VERB_FORMS for v in _PRESENCE_VERBS)
    + "|ausente|falto|enfermo|enferma|no vino|no asistio|no llego|absente|malade|pas venu|pas venue|"
    "n'est pas venu|n'est pas venue|abwesend|krank|nicht da|nicht gekommen|faltou|doente|nao veio|"
    "nao compareceu|nao esteve"
)
_APPROVING = _phrases(
    "approve|approved|approving|approval granted|go ahead|looks good|look good|looks great|lgtm|"
    "sounds good|sounds great|fine by me|fine with me|ok with me|okay with me|good to go|green light|"
    "signed off|sign off|accept|accepted|authorized|authorised|authorize|authorise|granted|aprobado|"
    "aprobada|apruebo|aprobar|aprovado|aprovada|aprovo|aprovar|approuve|approuvee|j'approuve|approuver|"
    "d'accord|accepte|genehmigt|genehmige|genehmigen|einverstanden|freigegeben|de acuerdo|de acordo"
)
_DENYING = _phrases(
    "deny|denied|denying|decline|declined|declining|reject|rejected|rejecting|refuse|refused|disapprove|"
    "disapproved|not approved|rechazado|rechazada|rechazo|rechazar|denegado|denegada|negado|negada|"
    "refusee|rejete|rejetee|abgelehnt|lehne ab|ablehnen|recusado|recusada|rejeitado|rejeitada"
)
_QUESTION_START = re.compile(
    r"(?:can you|could you|would you|will you|do you|did you|is this|are you|who is|who's|what is|what's|"
    r"which|why|que es|quien es|qu'est-ce|wer ist|was ist|quem e|o que e)(?![\w'])"
)
_CLOSING = re.compile(
    r"(?:"
    + _words(
        "thanks|thank you|thx|many thanks|best|best regards|regards|kind regards|warm regards|cheers|"
        "sincerely|all the best|gracias|saludos|un saludo|atentamente|merci|cordialement|bien a vous|danke|"
        "vielen dank|gruss|grusse|gruß|gruße|viele grusse|viele gruße|liebe gruße|beste gruße|herzliche gruße|"
        "mit freundlichen grußen|mfg|lg|vg|obrigado|obrigada|abracos|abraco|abs|att|atte|atenciosamente|"
        "cumprimentos|bisous|a bientot|bonne journee|un abrazo|cordiales saludos|best wishes|take care|talk soon"
    )
    + r")[\s,.!]*"
)

_CONTACT = re.compile(r"\d{3}\)?[ .-]?\d{3}[ .-]\d{4}|@[\w-]+\.\w|https?://|www\.|\+\d{2}[ \d]{6}")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_TOKEN = re.compile(r"[\w']+")
_CLAUSE_BREAK = re.compile(r"[,;:.!?\n]| but | aber | pero | mais | mas ")
_LEAD_SEPARATORS = " \t\n,.;:!-–—)(*_\"'"
# A greeting line ("Hi Dana,") and polite words ("Sorry, no") before the answer.
_GREETING = re.compile(
    rf"(?:{_words('hi|hello|hey|dear|good morning|good afternoon|hola|buenos dias|buenas tardes|bonjour|salut')}"
    rf"|{_words('hallo|guten morgen|guten tag|liebe|lieber|ola|oi|bom dia|boa tarde|caro|cara|estimado|estimada')})"
    r"(?![\w'])[^\n.!?]{0,40}[,!:]?[ \t]*\n"
)
_POLITE = re.compile(
    rf"(?:{_words('sorry|unfortunately|sadly|thanks|thank you|lo siento|desculpe|leider|malheureusement')}"
    rf"|{_words('desafortunadamente|infelizmente|gracias|merci|danke|obrigado|obrigada')})"
    r"(?![\w'])[\s,.!:;-]*"
)
_BARE_NEGATIONS = ("no", "nao")  # "No vino", "Não veio": the word negates the verb after it


# --- reading ----------------------------------------------------------------------------------


def _unquoted(text: str) -> str:
    lines = [line for line in text[:MAX_CHARS].splitlines() if not line.lstrip().startswith(">")]
    return "\n".join(lines).strip()


def _negated(folded: str, start: int) -> bool:
    """Whether one of the two words before `start` (same clause) negates what follows."""
    before = _CLAUSE_BREAK.split(folded[max(0, start - 40) : start])[-1]
    words = _TOKEN.findall(before)[-2:]
    return any(w in _NEGATORS or w.endswith("n't") for w in words)


def _signals(folded: str, purpose: Purpose) -> tuple[int, int]:
    """How many phrases in `folded` speak for and against; a negated phrase counts the other way."""
    positive, negative = (_PRESENT, _ABSENT) if purpose == "attendance" else (_APPROVING, _DENYING)
    yes = no = 0
    for match in positive.finditer(folded):
        before = _TOKEN.findall(folded[max(0, match.start() - 12) : match.start()])
        if purpose == "attendance" and before and before[-1] in _FIRST_PERSON:
            continue  # "I was here all day": the mentor, not the student
        if not _negated(folded, match.start()):
            yes += 1
        elif purpose == "attendance" or match.group().startswith(("approv", "aprob", "aprov", "genehm")):
            no += 1  # "didn't come in", "not approved", "I don't approve"
    for match in negative.finditer(folded):
        if not _negated(folded, match.start()):
            no += 1
    return yes, no


def _doubtful(folded: str, purpose: Purpose) -> bool:
    """Hedges, or (attendance) an absence that may still end: "she isn't here yet"."""
    if _HEDGES.search(folded):
        return True
    return purpose == "attendance" and _signals(folded, purpose)[1] > 0 and bool(_STILL_TO_COME.search(folded))


def _start(folded: str) -> int:
    """Where the reply proper starts: after white space and a greeting line ("Hi Dana,")."""
    start = len(folded) - len(folded.lstrip())
    greeting = _GREETING.match(folded, start)
    return len(folded) - len(folded[greeting.end() :].lstrip()) if greeting else start


def _lead(folded: str, purpose: Purpose) -> tuple[Answer | None, int, int]:
    """The answer a reply opens with ("Yes,", "Denied -", "👍"), where it starts and ends."""
    start = _start(folded)
    start += len(folded[start:]) - len(folded[start:].lstrip(_LEAD_SEPARATORS))
    polite = _POLITE.match(folded, start)
    if polite and polite.end() < len(folded) and not any(p.match(folded, start) for _, p in _LEADS[purpose]):
        start = polite.end()  # "Sorry, no", "Thanks! Yes she was" (but "Unfortunately not" is an answer)
    head = folded[start:]
    if not head or _NOT_LEADS.match(head) or _MIXED.match(head):
        return None, 0, 0
    if head[0] in _THUMBS_UP or head[0] in _THUMBS_DOWN:
        end = start + 1
        while end < len(folded) and (folded[end] in _EMOJI_TRAIL or folded[end] == folded[start]):
            end += 1
        good: Answer = "yes" if purpose == "attendance" else "approve"
        bad: Answer = "no" if purpose == "attendance" else "deny"
        return (good if head[0] in _THUMBS_UP else bad), start, end
    for kind, pattern in _LEADS[purpose]:
        match = pattern.match(head)
        if match:
            word = match.group()
            end = start + match.end()
            while True:  # "Yes yes!", "No, no." (but not the "no" of "No, no vino")
                rest = folded[end:]
                gap = len(rest) - len(rest.lstrip(" ,!.-"))
                after = end + gap + len(word)
                if not rest[gap:].startswith(word) or (after < len(folded) and folded[after].isalnum()):
                    break
                if after < len(folded) and folded[after] == " " and folded[after + 1 : after + 2].isalpha():
                    break
                end = after
            return kind, start, end
    return None, 0, 0


def _sentences(folded: str, count: int) -> list[str]:
    found = []
    for match in _SENTENCE.finditer(folded[:1_000]):
        if match.group().strip():
            found.append(match.group())
            if len(found) == count:
                break
    return found


def _is_sign_off(lines: list[str], index: int) -> bool:
    """A closing line ("Best regards,", "Saludos,") followed only by a few short lines (a name)."""
    tail = [line for line in lines[index + 1 :] if line.strip()]
    return (
        bool(_CLOSING.fullmatch(_fold(lines[index].strip())))
        and len(tail) <= 6
        and all(len(line) <= 80 for line in tail)
    )


def _is_contact_block(lines: list[str]) -> bool:
    """A last paragraph of short lines with a phone number, address or link: a signature."""
    return (
        2 <= len(lines) <= 8
        and all(len(line) <= 100 for line in lines)
        and any(_CONTACT.search(line) for line in lines)
    )


def _feedback(text: str, start: int) -> str:
    """The reply from `start`, without leading punctuation, a closing ("Thanks,\nAnn") or a
    signature typed without "-- " (name, title, phone)."""
    lines = [line.rstrip() for line in text[start:].lstrip(_LEAD_SEPARATORS.replace("(", "")).splitlines()]
    for index in range(max(0, len(lines) - 8), len(lines)):
        if _is_sign_off(lines, index):
            lines = lines[:index]
            break
    while lines and not lines[-1].strip():
        lines.pop()
    blank = max((i for i, line in enumerate(lines) if not line.strip()), default=-1)
    if blank > 0 and _is_contact_block(lines[blank + 1 :]):
        lines = lines[:blank]
    return "\n".join(lines).strip()


def _opening(folded: str, start: int) -> str:
    """The text from `start` without leading separators: where an answer's qualifier would be."""
    return folded[start:].lstrip(_LEAD_SEPARATORS)


def classify(text: str, purpose: Purpose) -> Intent:
    """The intent of a reply's new text for an attendance question or an approval request."""
    body = _unquoted(text)
    folded = _blank_not_applicable(_fold(body))
    if not folded.strip():
        return Intent("unclear", "")
    unclear = Intent("unclear", _feedback(body, _start(folded)))
    if _NOT_YET.match(_opening(folded, 0)):
        return unclear  # "Not yet"
    first = next(iter(_sentences(folded, 1)), "")
    kind, start, end = _lead(folded, purpose)
    if kind is not None:
        after = _opening(folded, end)
        if folded[end:].lstrip(" ").startswith("?") or _SOFT_HEDGES.match(after) or _NOT_YET.match(after):
            return unclear  # "Yes?", "Yes, I think so", "Yes if the check clears", "No, not yet"
        sentence_end = next((m.end() for m in _SENTENCE.finditer(folded, end, end + 1_000) if m.group().strip()), end)
        yes, no = _signals(folded[:sentence_end], purpose)  # from the start: "No vino" is negated
        if _doubtful(first, purpose) or (no if kind in ("yes", "approve") else yes):
            return unclear  # "Yes, she called in sick", "No, I'm not sure she came"
        if _RETRACTIONS.search(" ".join(_sentences(folded, SCAN_SENTENCES))):
            return unclear  # "Yes. Scratch that, she left before lunch"
        bare_negation = folded[start:end] in _BARE_NEGATIONS and folded[end : end + 2].strip().isalpha()
        return Intent(kind, _feedback(body, start if bare_negation else end))
    scope = " ".join(_sentences(folded, SCAN_SENTENCES))
    if "?" in scope or _QUESTION_START.match(first.lstrip()) or _SOFT_HEDGES.search(first):
        return unclear  # "Which student?", "She was here until noon. Does that count?"
    yes, no = _signals(scope, purpose)
    if _doubtful(scope, purpose) or _RETRACTIONS.search(scope) or bool(yes) == bool(no):
        return unclear
    if purpose == "attendance":
        return Intent("yes" if yes else "no", _feedback(body, _start(folded)))
    return Intent("approve" if yes else "deny", _feedback(body, _start(folded)))


def comments(text: str) -> str:
    """What someone wrote, without leading punctuation, a closing or a signature typed without "-- "."""
    return _feedback(text, 0)
