"""Where a reply's signature starts: a "-- " line, or a device line ("Sent from my iPhone",
"Get Outlook for iOS", "Enviado desde mi iPhone", ...) in several languages."""

from __future__ import annotations

import re

from messaging.inbound.reading.reply_lines import Line

_DEVICE_LINE = re.compile(
    r"(?:"
    r"sent (?:from|with|via|using|by|on) "
    r"|(?:typed|written) on (?:my|a) "
    r"|from my (?:iphone|ipad|ipod|android|phone|mobile|cell|smartphone|tablet|samsung|galaxy|blackberry|pixel)"
    r"|(?:get|download|obtener|obtenir|obter o|obter|baixar o|baixe o) outlook (?:for|para|pour) "
    r"|outlook (?:für|for) (?:ios|android)\b"
    r"|envoy[ée] (?:depuis|de|avec|à partir de|via) "
    r"|enviad[oa] (?:desde|de|do|da|con|com|pelo|pela|a través de|a partir do) "
    r"|von meine[mr]? \S.{0,60}gesendet"
    r"|gesendet (?:von|vom|mit|aus|über) "
    r"|diese nachricht wurde von meinem .{0,80}gesendet"
    r"|(?:verzonden|verstuurd) (?:met|vanaf|van|via) "
    r"|inviato (?:da|dal|dalla|con|tramite) "
    r"|(?:sendt|skickat|skickad|skickades) (?:fra|från|med|via) "
    r"|lähetetty "
    r"|wysłane (?:z|ze|przy|za pomocą) "
    r"|odesláno z "
    r"|отправлено (?:с|из|со) "
    r"|надіслано (?:з|із|зі) "
    r"|從我的 |发自我的|發自我的|来自我的|來自我的"
    r")",
    re.IGNORECASE,
)
_FROM_MOBILE = re.compile(
    r"(?:\w+ ){0,2}from (?:my |a )?(?:mobile|phone|cell|iphone|ipad|android|tablet)(?: device| phone)?\.?",
    re.IGNORECASE,
)
_DEVICE_SUFFIX = ("から送信", "에서 보냄", "'umdan gönderildi", "’umdan gönderildi")


def _is_device_line(line: Line) -> bool:
    """A device line: "Sent from my iPhone" and its many relatives, in several languages."""
    if not line.clean or len(line.clean) > 200:
        return False
    words = [w for w in line.clean.split() if "://" not in w and not w.startswith("<")]
    if len(words) > 12 or any(":" in w for w in words):
        return False  # a sentence that mentions a phone ("Sent from my phone: she was here")
    core = line.clean.replace("[", "").replace("]", "").strip("()<>*_ ").lower()
    return (
        _DEVICE_LINE.match(core) is not None
        or _FROM_MOBILE.fullmatch(core) is not None
        or core.endswith(_DEVICE_SUFFIX)
    )


def is_signature_start(line: Line) -> bool:
    return line.raw.rstrip() == "--" or _is_device_line(line)
