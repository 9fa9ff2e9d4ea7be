"""The README's words about commands agree with the commands themselves."""

from __future__ import annotations

import re

from relay.cli import IMPORT_HELP, IMPORT_KINDS
from relay.paths import ROOT


def test_the_readmes_import_order_is_the_one_relay_import_help_gives() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("## Your own school\n", 1)[1].split("```", 2)[1]
    first = re.search(r"\./dev import (\w+)", block)
    listed = re.search(r"# then ([a-z_, #\n]+)", block)
    assert first and listed
    then = [word for word in re.split(r"[\s,#]+", listed.group(1)) if word]
    assert [first.group(1), *then] == IMPORT_KINDS
    help_order = [line.split()[0] for line in IMPORT_HELP.split("order:", 1)[1].splitlines() if line.startswith("  ")]
    assert [k for k in help_order if k in IMPORT_KINDS] == IMPORT_KINDS
