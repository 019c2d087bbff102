"""The headline figures of every question set (`config/question_sets.yml`), as `trolyso eval` computes them:
right-answer, wrong-answer and resolved-after-one-tap rates per group, asked alone and as the second
message of a conversation, the two-message conversations' context errors, and hit@1 / hit@3 / MRR beside.

    .venv/bin/python -m bench.headline          # the Markdown tables alone
"""

from __future__ import annotations

import sys

from bench.tables import markdown_table, num
from bot.evaluation.runner import SetReport, run_set
from bot.retrieval.evaluation import load_entries, percentile
from bot.retrieval.question_sets import load_question_sets
from bot.retrieval.service import build_retriever
from bot.settings import Settings

GROUP_LABELS = {
    "in_scope": "in scope, asked alone",
    "in_scope_second": "in scope, asked second",
    "out_of_scope_far": "out of scope, far",
    "out_of_scope_near": "out of scope, near the domain",
}


def run_headlines(settings: Settings) -> list[SetReport]:
    """Every set whose files are here (a set without `../shared` is left out, with a note on stderr)."""
    reports = []
    for question_set in load_question_sets():
        missing = question_set.missing_files()
        if missing:
            print(f"[bench] {question_set.name} left out: missing {missing[0]}", file=sys.stderr)
            continue
        print(f"[bench] headline figures on {question_set.name}", file=sys.stderr)
        retriever = build_retriever(settings, load_entries(question_set.knowledge))
        reports.append(run_set(question_set, retriever))
    return reports


def headline_tables(reports: list[SetReport]) -> str:
    """One table of every set's groups, then one line per set on conversations and latency."""
    headers = ["set", "group", "n", "right", "wrong", "one tap", "choice lists", "abstained", "procedure replies",
               "hit@1", "hit@3", "MRR"]
    rows = []
    for report in reports:
        for group, h in report.groups.items():
            rows.append([f"{report.name} ({report.purpose})", GROUP_LABELS.get(group, group), str(h.n),
                         num(h.right), num(h.wrong), num(h.one_tap), num(h.clarified), num(h.abstained),
                         num(h.procedure_replies), num(h.hit1), num(h.hit3), num(h.mrr)])
    lines = [markdown_table(headers, rows), ""]
    for report in reports:
        c = report.conversations
        if c is not None:
            lines.append(f"- {report.name}: {c.n} two-message conversations, context errors {num(c.context_errors)}"
                         f" (standalone read as follow-up {num(c.standalone_read_as_followup)}, follow-up read"
                         f" alone {num(c.followup_read_alone)}); second message right {num(c.second.right)},"
                         f" wrong {num(c.second.wrong)}, one tap {num(c.second.one_tap)}")
        lines.append(f"- {report.name}: reading one message p50 {percentile(report.latencies_ms, 50):.1f} ms,"
                     f" p95 {percentile(report.latencies_ms, 95):.1f} ms (retriever in process)")
    return "\n".join(lines)


def main() -> int:
    """Print the headline tables."""
    print(headline_tables(run_headlines(Settings())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
