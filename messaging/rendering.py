"""Every text a person reads is a Jinja2 template under templates/.

Emails are `email/<name>.txt` and `email/<name>.html`, each with `{% block subject %}`; SMS are
`sms/<name>.txt` and must fit in two segments; pages are `web/<name>.html`. HTML is autoescaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, Template, select_autoescape

from messaging import segments

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
    encoding: str


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
    return env


def _local_time(value: Any, zone: Any) -> str:
    if value is None:
        return "—"
    return str(value.astimezone(zone).strftime("%-I:%M %p").lower().replace(" ", ""))


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


def render_sms(name: str, context: dict[str, Any]) -> RenderedSms:
    text = " ".join(environment().get_template(f"sms/{name}.txt").render(context).split(" "))
    text = "\n".join(line.strip() for line in text.strip().splitlines())
    counted = segments.count(text)
    if counted.segments > segments.MAX_SEGMENTS:
        raise TemplateTooLong(
            f"sms/{name} rendered to {counted.segments} segments ({counted.encoding}, "
            f"{counted.units} units); the limit is {segments.MAX_SEGMENTS}"
        )
    return RenderedSms(text=text, segments=counted.segments, encoding=counted.encoding)


def render_page(name: str, context: dict[str, Any]) -> str:
    return environment().get_template(f"web/{name}.html").render(context)
