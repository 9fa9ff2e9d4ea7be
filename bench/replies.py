"""Reply understanding, measured: new-text accuracy of Relay's parser against email-reply-parser
(GitHub's algorithm, in the same run), and intent accuracy where a corpus has intents.

New text is compared exactly after collapsing white-space runs and stripping (talon's HTML corpus:
white space ignored, as its README says). Each corpus is compared with its own definition of the
new text: Discourse and ours drop signatures and device lines (`Reply.text`), talon keeps them
(`Reply.with_signature`, e.g. its iPhone case keeps "Sent from my iPhone"). A public corpus that
is not there (a clone without ../shared) is skipped, saying why.

    python -m bench.replies [--failures]
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass

from email_reply_parser import EmailReplyParser

from bench import corpora
from bench import evaluations as evaluation_corpus
from messaging.inbound.reading.intent import classify
from messaging.inbound.reading.reply_text import Reply, split_reply


@dataclass(frozen=True)
class Score:
    corpus: corpora.Corpus
    relay_ok: int
    erp_ok: int
    intent_ok: int
    intent_total: int
    seconds: float
    failures: list[str]

    @property
    def total(self) -> int:
        return len(self.corpus.scored)


def relay_text(reply: Reply, corpus: corpora.Corpus) -> str:
    return reply.text if corpus.convention == "text" else reply.with_signature


def score(corpus: corpora.Corpus) -> Score:
    relay_ok = erp_ok = intent_ok = intent_total = 0
    failures: list[str] = []
    started = time.perf_counter()
    for case in corpus.scored:
        assert case.expected is not None
        reply = split_reply(case.text)
        if corpus.same(relay_text(reply, corpus), case.expected):
            relay_ok += 1
        else:
            failures.append(f"{corpus.name}/{case.name}: new text {relay_text(reply, corpus)[:120]!r}")
        if case.intent is not None and case.purpose is not None:
            intent_total += 1
            got = classify(reply.text, case.purpose).kind
            if got == case.intent:
                intent_ok += 1
            else:
                failures.append(f"{corpus.name}/{case.name}: intent {got} (expected {case.intent})")
    seconds = time.perf_counter() - started
    for case in corpus.scored:
        assert case.expected is not None
        if corpus.same(EmailReplyParser.parse_reply(case.text), case.expected):
            erp_ok += 1
    return Score(corpus, relay_ok, erp_ok, intent_ok, intent_total, seconds, failures)


def percent(ok: int, total: int) -> str:
    return f"{100 * ok / total:.1f}% ({ok}/{total})" if total else "-"


def table(rows: list[list[str]]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in rows]
    lines.insert(1, "-" * len(lines[0]))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--failures", action="store_true", help="list the cases Relay gets wrong")
    args = parser.parse_args()
    rows = [["corpus", "cases", "compared with", "relay new text", "email-reply-parser", "relay intent", "relay time"]]
    skipped, scores = [], []
    ours = [corpora.fixtures(), corpora.fixtures(corpora.HOLDOUT, "held-out")]
    for corpus in ours + [load() for load in corpora.PUBLIC.values()]:
        if corpus.missing:
            skipped.append(f"{corpus.name}: skipped, {corpus.missing}")
            continue
        result = score(corpus)
        scores.append(result)
        compared = f"Reply.{corpus.convention}" + (" (no white space)" if corpus.comparison == "ignore" else "")
        rows.append(
            [
                corpus.name,
                str(result.total),
                compared,
                percent(result.relay_ok, result.total),
                percent(result.erp_ok, result.total),
                percent(result.intent_ok, result.intent_total),
                f"{result.seconds * 1000:.0f} ms",
            ]
        )
    print(table(rows))
    for line in skipped:
        print(line)
    print()
    print("new text: exact match after collapsing white-space runs to one space and stripping (talon-html:")
    print("white space ignored, as its README says). Each corpus is compared with its own convention:")
    print("Reply.text drops signatures and device lines (Discourse, ours); Reply.with_signature keeps them")
    print("(talon keeps 'Sent from my iPhone'). email-reply-parser is scored on the same text and expectation.")
    print("fixtures: only kind 'reply' is scored; intent = classify(Reply.text, purpose) against the label.")
    print("held-out: 50 more replies, written by someone who never saw the parser; never used to tune it.")
    right, total, guessed, wrong = evaluation_corpus.score()
    print()
    print(
        f"evaluations: {percent(right, total)} read right (status, the five levels, the recommendation);"
        f" {guessed} partial or unclear replies read as complete (guessed)"
    )
    if args.failures:
        print()
        for result in scores:
            for line in result.failures:
                print(line)
        for outcome in wrong:
            print(f"evaluations/{outcome.name}: {outcome.got.status} {outcome.got.levels}")


if __name__ == "__main__":
    main()
