"""Every text a person reads is a Jinja2 template under templates/.

Emails are `email/<name>.txt` and `email/<name>.html`, each with `{% block subject %}`; SMS are
`sms/<name>.txt` and must fit in two segments; pages are `web/<name>.html`. HTML is autoescaped.
A signed-link page's copy (its title, intro, choice labels, details and outcomes) is
`web/<name>.txt`, one `{% block %}` per piece, rendered as plain text and escaped by the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from messaging import segments

if TYPE_CHECKING:
    from workflow.errors import Refused

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class TemplateTooLong(ValueError):
    """An SMS template rendered to more than two segments."""


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class RenderedSms:
    text: str
    segments: int


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(["html"], default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["local_time"] = _local_time
    env.filters["local_date"] = _local_date
    env.filters["hours"] = _hours
    env.filters["sentence"] = _sentence
    env.filters["clock"] = _clock
    env.filters["plural"] = _plural
    return env


def _sentence(value: Any) -> str:
    """Someone's words as a sentence: ending in a full stop unless they end in one already."""
    text = str(value).strip()
    return text if not text or text[-1] in ".!?…\"')" else text + "."


def _hours(value: Any) -> str:
    """6.05 -> "6.1", 6.0 -> "6": hours to one decimal, rounded half up as people expect."""
    if value is None:
        return "0"
    rounded = Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded:f}".removesuffix(".0")


def _clock(value: Any) -> str:
    """A wall-clock time (datetime.time) as 9:05am."""
    return str(value.strftime("%-I:%M%p").lower())


def _plural(count: int, word: str, plural: str | None = None) -> str:
    return f"{count} {word if count == 1 else (plural or word + 's')}"


# A page of a thousand lines shows the same few start and end times again and again, and htmx asks
# for the same page every few seconds: each moment is formatted once.
FORMATTED_MOMENTS = 8192


@lru_cache(maxsize=FORMATTED_MOMENTS)
def _local_time(value: Any, zone: Any) -> str:
    if value is None:
        return "—"
    return str(value.astimezone(zone).strftime("%-I:%M %p").lower().replace(" ", ""))


@lru_cache(maxsize=FORMATTED_MOMENTS)
def _local_date(value: Any, zone: Any = None) -> str:
    if value is None:
        return "—"
    if zone is not None and hasattr(value, "astimezone"):
        value = value.astimezone(zone)
    return str(value.strftime("%a %b %-d"))


def _block(template: Template, name: str, context: dict[str, Any]) -> str:
    block = template.blocks.get(name)
    if block is None:
        raise ValueError(f"template {template.name} has no {{% block {name} %}}")
    return "".join(block(template.new_context(context))).strip()


def _tidy(text: str) -> str:
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line == "" and tidy and tidy[-1] == "":
            continue
        tidy.append(line)
    return "\n".join(tidy) + "\n"


def render_email(name: str, context: dict[str, Any]) -> RenderedEmail:
    env = environment()
    text_template = env.get_template(f"email/{name}.txt")
    html_template = env.get_template(f"email/{name}.html")
    subject = " ".join(_block(text_template, "subject", context).split())
    return RenderedEmail(
        subject=subject,
        text=_tidy(text_template.render(context)),
        html=html_template.render(context),
    )


def _sms_text(name: str, context: dict[str, Any]) -> str:
    text = environment().get_template(f"sms/{name}.txt").render(context)
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines())


def render_sms(
    name: str, context: dict[str, Any], *, fit: str | None = None, limit: int = segments.MAX_SEGMENTS
) -> RenderedSms:
    """Render an SMS; if it would take more than `limit` segments (two, or one for an answer to
    the student's own text), it is rendered again with `brief` true, which drops the parts a
    template marks `{% if not brief %}` (names that would make a long text, or one in UCS-2);
    then, if `fit` names a text value of the context (a mentor's feedback, a site's name), that
    value is shortened until it fits."""
    context = {"brief": False, **context}
    text = _sms_text(name, context)
    counted = segments.count(text)
    if counted.segments > limit and not context["brief"]:
        context = {**context, "brief": True}
        text = _sms_text(name, context)
        counted = segments.count(text)
    value = context.get(fit) if fit else None
    if counted.segments > limit and fit and isinstance(value, str):
        low, high = 0, len(value)
        while low < high:  # the longest prefix that still fits
            middle = (low + high + 1) // 2
            trial = _sms_text(name, {**context, fit: value[:middle].rstrip() + "..."})
            if segments.count(trial).segments <= limit:
                low = middle
            else:
                high = middle - 1
        text = _sms_text(name, {**context, fit: value[:low].rstrip() + "..." if low else ""})
        counted = segments.count(text)
    if counted.segments > max(limit, segments.MAX_SEGMENTS):
        raise TemplateTooLong(
            f"sms/{name} rendered to {counted.segments} segments ({counted.encoding}, "
            f"{counted.units} units); the limit is {segments.MAX_SEGMENTS}"
        )
    return RenderedSms(text=text, segments=counted.segments)


def render_page(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(f"web/{name}.html").render(context)


@cache
def _copy_environment() -> Environment:
    """Page copy puts every value on one line, so the template's own lines are the only ones."""
    return environment().overlay(finalize=_one_line)


def _one_line(value: Any) -> Any:
    return " ".join(value.split()) if isinstance(value, str) else value


def _copy_block(name: str, block: str, context: dict[str, Any]) -> str:
    return _block(_copy_environment().get_template(f"web/{name}.txt"), block, context)


def render_copy(name: str, block: str, context: dict[str, Any]) -> str:
    """One piece of a page's copy, `{% block <block> %}` of `web/<name>.txt`, on one line."""
    return " ".join(_copy_block(name, block, context).split())


def refusal(refused: Refused) -> str:
    """Why a move was refused, in a person's words: `{% block <reason> %}` of web/refusals.txt."""
    return render_copy("refusals", refused.reason, dict(refused.details))


def render_details(name: str, context: dict[str, Any], block: str = "details") -> list[tuple[str, str]]:
    """A page's details, one "Label: value" line each in `{% block details %}`, as (label, value)."""
    rows: list[tuple[str, str]] = []
    for line in _copy_block(name, block, context).splitlines():
        label, colon, value = line.strip().partition(": ")
        if colon:
            rows.append((label, value.strip()))
        elif label:
            raise ValueError(f"web/{name}.txt: each {block} line is 'Label: value', not {line!r}")
    return rows
