"""Reply trimming on the public corpora (Discourse, talon): at least 90% each, and better than
email-reply-parser (GitHub's algorithm) on every one.

The corpora live in ../shared/corpora beside the repository, not in a clone: without them these
tests skip, saying why. They are data, not a service, so RELAY_REQUIRE_SERVICES=1 does not turn
the skip into a failure.
"""

from __future__ import annotations

import pytest

from bench import corpora
from bench.replies import score

TARGET = 0.90


@pytest.fixture(params=sorted(corpora.PUBLIC), scope="module")
def corpus(request: pytest.FixtureRequest) -> corpora.Corpus:
    loaded = corpora.PUBLIC[request.param]()
    if loaded.missing:
        pytest.skip(f"public reply corpus {loaded.name} is not available: {loaded.missing}")
    return loaded


def test_new_text_accuracy_reaches_the_target(corpus: corpora.Corpus) -> None:
    result = score(corpus)
    assert result.total > 0
    assert result.relay_ok / result.total >= TARGET, "\n".join(result.failures)


def test_new_text_accuracy_beats_email_reply_parser(corpus: corpora.Corpus) -> None:
    result = score(corpus)
    assert result.relay_ok > result.erp_ok, "\n".join(result.failures)
