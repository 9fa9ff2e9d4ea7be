"""What a text message says: a keyword (CHECKIN, CHECKOUT, HELP, ...), a choice, or free text.

Students type on small keyboards: case, spaces, hyphens, punctuation, emoji and one-letter typos
are forgiven ("Check-in!", "✅ checkin", "chekin", "arrived", "leaving"). The carrier and Twilio
keywords keep their standard meaning only, and only when they are the whole message, as Twilio
reads them: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT opt out; START, YES, UNSTOP opt back in;
HELP and INFO ask for help. Relay's own keywords never reuse those words.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from dataclasses import dataclass

MAX_SMS_CHARS = 2000  # Twilio concatenates up to 10 segments; anything longer is cut before parsing


class Keyword(enum.StrEnum):
    checkin = "checkin"
    checkout = "checkout"
    help = "help"
    who = "who"
    search = "find"
    ready = "ready"
    opt_out = "opt_out"
    opt_in = "opt_in"
    choice = "choice"
    text = "text"


OPT_OUT_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
OPT_IN_WORDS = frozenset({"start", "yes", "unstop"})
HELP_WORDS = frozenset({"help", "info"})
RESERVED_WORDS = OPT_OUT_WORDS | OPT_IN_WORDS | HELP_WORDS

# Whole-message phrases (compacted: no spaces). Loose words count only when they are all there is,
# so that goals such as "done with the charts" are never read as CHECKOUT.
CHECKIN_PHRASES = frozenset(
    {
        "checkin",
        "checkingin",
        "checkedin",
        "arrived",
        "imhere",
        "iamhere",
        "here",
        "in",
        "signin",
        "clockin",
        "llegue",
        "llegué",
        "estoyaqui",
        "estoyaquí",
    }
)
CHECKOUT_PHRASES = frozenset(
    {
        "checkout",
        "checkingout",
        "checkedout",
        "leaving",
        "imleaving",
        "iamleaving",
        "out",
        "signout",
        "clockout",
        "done",
        "imdone",
        "headingout",
        "mevoy",
        "salida",
    }
)
WHO_PHRASES = frozenset({"who", "whoami", "me"})
_CHOICE = re.compile(r"^(?:#|no\.?|number|option|opt)?\s*(\d{1,2})$")


@dataclass(frozen=True)
class Parsed:
    keyword: Keyword
    argument: str = ""  # FIND's words, a choice's number, or the free text itself


def normalise(text: str) -> str:
    """Lower case, no emoji or punctuation, single spaces; letters with accents are kept."""
    text = unicodedata.normalize("NFKC", text[:MAX_SMS_CHARS]).casefold()
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category[0] in "LN" or ch == "#":
            kept.append(ch)
        else:
            kept.append(" ")  # punctuation, symbols, emoji, hyphens, separators
    return " ".join("".join(kept).split())


def _typo_of(word: str, targets: frozenset[str]) -> bool:
    """One insertion, deletion, substitution or swap of neighbours away from a target (6+ letters)."""
    return len(word) >= 6 and any(_within_one(word, t) for t in targets if len(t) >= 6)


def _within_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        differ = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        swapped = (
            len(differ) == 2
            and differ[1] == differ[0] + 1
            and a[differ[0]] == b[differ[1]]
            and a[differ[1]] == b[differ[0]]
        )
        return len(differ) <= 1 or swapped
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _explicit(words: list[str]) -> tuple[Keyword, int] | None:
    """CHECKIN/CHECKOUT spelled out at the start ("check in", "Check-in", "chekin"), and how many
    words that took; a few words may follow ("checkin 2", "checkout now, thanks")."""
    if len(words) >= 2 and words[0] == "check" and words[1] in ("in", "out"):
        return Keyword.checkin if words[1] == "in" else Keyword.checkout, 2
    first = words[0]
    if first == "checkin" or _typo_of(first, frozenset({"checkin"})):
        return Keyword.checkin, 1
    if first == "checkout" or _typo_of(first, frozenset({"checkout"})):
        return Keyword.checkout, 1
    return None


_DAY_STARTS = ("mo", "tu", "we", "th", "fr", "sa", "su")


def _schedule_like(words: list[str]) -> bool:
    """READY's days, hours and dates ("Tue Thu 9-3 from Jan 12 to Mar 20"), not free text such
    as goals that happen to start with "ready"."""
    return any(ch.isdigit() for word in words for ch in word) or all(
        word[:2] in _DAY_STARTS or word in ("and", "on") for word in words
    )


def _after_first_word(text: str) -> str:
    """The text after its first word, as typed: "9-3" and "1/12" keep their punctuation."""
    text = " ".join(unicodedata.normalize("NFKC", text[:MAX_SMS_CHARS]).split())
    return re.sub(r"^\W*\w+\W*?(?=\w|$)", "", text, count=1).strip()


def after_words(text: str, count: int) -> str:
    """The text after its first `count` words, as typed ("Check-out: learned to read an X-ray")."""
    text = " ".join(unicodedata.normalize("NFKC", text[:MAX_SMS_CHARS]).split())
    return re.sub(rf"^\W*(?:\w+(?:\W+|$)){{{count}}}", "", text, count=1).strip()


# Words that make a thank-you or a goodbye, not a line on what was learned: a text made only of
# them ("thanks!", "ok bye", "done for today") is never taken as a day's reflection.
# fmt: off
PLEASANTRY_WORDS = frozenset({
    "thanks", "thank", "thx", "ty", "tysm", "you", "u", "so", "much", "very", "ok", "okay", "k", "kk", "cool",
    "great", "good", "nice", "awesome", "bye", "goodbye", "cya", "see", "ya", "later", "night", "gn", "now",
    "please", "pls", "for", "today", "the", "day", "all", "i", "im", "am", "done", "leaving", "out", "yes",
    "yep", "yeah", "sure", "got", "it", "no", "nope", "np", "lol", "gracias", "adios", "adiós", "hasta", "luego",
    "ciao"
})
# fmt: on


def is_pleasantry(text: str) -> bool:
    """True for a text that thanks or says goodbye and nothing more, or says nothing at all."""
    return all(word in PLEASANTRY_WORDS for word in normalise(text).split())


def is_question(text: str) -> bool:
    """A text ending in a question mark asks something; it is not a reflection."""
    return text.rstrip().endswith(("?", "？", "¿"))


def parse(text: str) -> Parsed:
    words = normalise(text).split()
    if not words:
        return Parsed(Keyword.text, "")
    whole = "".join(words)
    if len(words) == 1 and whole in OPT_OUT_WORDS:
        return Parsed(Keyword.opt_out)
    if len(words) == 1 and whole in OPT_IN_WORDS:
        return Parsed(Keyword.opt_in)
    if len(words) == 1 and whole in HELP_WORDS:
        return Parsed(Keyword.help)
    if whole in WHO_PHRASES:
        return Parsed(Keyword.who)
    choice = _CHOICE.match(" ".join(words))
    if choice:
        return Parsed(Keyword.choice, str(int(choice.group(1))))
    if words[0] == "find":
        return Parsed(Keyword.search, " ".join(words[1:]))
    if words[0] == "ready" and (len(words) <= 3 or _schedule_like(words[1:])):
        return Parsed(Keyword.ready, _after_first_word(text))
    if whole in CHECKIN_PHRASES:
        return Parsed(Keyword.checkin)
    if whole in CHECKOUT_PHRASES:
        return Parsed(Keyword.checkout)
    explicit = _explicit(words)
    if explicit is not None and explicit[0] is Keyword.checkout and words[0] == "checkout":
        # "CHECKOUT learned to read an X-ray": the rest, as typed, is the day's reflection. Only
        # the one word: goals such as "check out the new MRI scanner" stay free text.
        return Parsed(Keyword.checkout, after_words(text, 1))
    if explicit is not None and len(words) - explicit[1] <= 5:
        keyword, taken = explicit
        rest = after_words(text, taken) if keyword is Keyword.checkout else " ".join(words[taken:])
        return Parsed(keyword, rest)
    return Parsed(Keyword.text, " ".join(text.split())[:MAX_SMS_CHARS])
