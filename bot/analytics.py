"""Figures of the dashboard's overview: questions, decisions, ratings, escalations and their service times."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.escalations.states import OPEN
from bot.knowledge.schema import PROGRAMME_TOPICS, KnowledgeEntry
from bot.localtime import local_day
from bot.models import Escalation, Feedback, QuestionLog
from bot.province import Province

OTHER_TOPIC = "other"
DECISIONS = {"answer": "Trả lời được", "clarify": "Hỏi lại để làm rõ", "abstain": "Chưa trả lời được"}
OTHER_DECISION = "other"
"""Messages that were not questions (emoji only, too long, another language…)."""
MAX_OVERDUE_LISTED = 50


@dataclass(frozen=True)
class OverdueTicket:
    """An escalation nobody claimed within the overdue limit."""

    ticket_code: str
    commune_name: str
    created_at: datetime
    waited: timedelta


@dataclass
class Overview:
    """Everything the overview page shows for one period."""

    since: datetime
    until: datetime
    days: list[date] = field(default_factory=list)
    questions_per_day: dict[str, list[int]] = field(default_factory=dict)
    """Topic → questions per day (aligned with `days`); topics in menu order, `other` last."""
    decisions: Counter = field(default_factory=Counter)
    questions: int = 0
    escalations: int = 0
    ratings: dict[str, Counter] = field(default_factory=dict)
    """"assistant" / "team" → Counter of "good" / "bad"."""
    by_commune: list[tuple[str, Counter]] = field(default_factory=list)
    median_to_claim: timedelta | None = None
    median_to_answer: timedelta | None = None
    overdue: list[OverdueTicket] = field(default_factory=list)
    overdue_total: int = 0


def question_topic(decision: str, entry_id: str | None, scores: dict | None, topics: dict[str, str]) -> str:
    """The programme a logged question belongs to: its answering entry's topic; for a question asked back
    (`clarify`, or an abstention for ambiguity) its best candidate's; otherwise unknown (`other`).

    The best candidate of a question the knowledge base does not cover says nothing of its topic: a question
    about a pension is not about digital skills because that entry happened to be the least far.
    """
    guessed = decision == "clarify" or (decision == "abstain" and (scores or {}).get("reason") == "ambiguous")
    if entry_id is None and scores and guessed:
        candidates = scores.get("candidates") or []
        entry_id = candidates[0].get("entry_id") if candidates and isinstance(candidates[0], dict) else None
    topic = topics.get(entry_id or "")
    return topic if topic in PROGRAMME_TOPICS else OTHER_TOPIC


def share_text(part: int, whole: int) -> str:
    """`part` as a percentage of `whole`, the one rounding rule of every page: one decimal below 10 % ("0,3%"),
    a whole number above ("67%"), "—" when `whole` is 0."""
    if not whole:
        return "—"
    share = 100 * part / whole
    if share and round(share, 1) < 10:
        return f"{share:.1f}%".replace(".", ",")
    return f"{share:.0f}%"


def _median(spans: list[timedelta]) -> timedelta | None:
    return timedelta(seconds=median(s.total_seconds() for s in spans)) if spans else None


def _questions(session: Session, overview: Overview, topics: dict[str, str]) -> None:
    per_day: dict[str, Counter] = defaultdict(Counter)
    rows = session.execute(select(QuestionLog.created_at, QuestionLog.decision, QuestionLog.entry_id,
                                  QuestionLog.scores).where(QuestionLog.created_at >= overview.since,
                                                            QuestionLog.created_at < overview.until))
    for created_at, decision, entry_id, scores in rows:
        overview.questions += 1
        overview.decisions[decision if decision in DECISIONS else OTHER_DECISION] += 1
        per_day[question_topic(decision, entry_id, scores, topics)][local_day(created_at)] += 1
    order = [*PROGRAMME_TOPICS, OTHER_TOPIC]
    overview.questions_per_day = {topic: [per_day[topic][day] for day in overview.days]
                                  for topic in order if per_day.get(topic)}


def _ratings(session: Session, overview: Overview) -> None:
    rows = session.execute(select(Feedback.ticket_code.is_(None), Feedback.rating, func.count())
                           .where(Feedback.created_at >= overview.since, Feedback.created_at < overview.until)
                           .group_by(Feedback.ticket_code.is_(None), Feedback.rating))
    overview.ratings = {"assistant": Counter(), "team": Counter()}
    for by_assistant, rating, count in rows:
        overview.ratings["assistant" if by_assistant else "team"][rating] += count


def _escalations(session: Session, overview: Overview, province: Province, overdue_after: timedelta) -> None:
    rows = session.execute(select(Escalation.commune_code, Escalation.status, Escalation.created_at,
                                  Escalation.claimed_at, Escalation.answered_at)
                           .where(Escalation.created_at >= overview.since, Escalation.created_at < overview.until))
    by_commune: dict[str, Counter] = defaultdict(Counter)
    to_claim, to_answer = [], []
    for commune_code, status, created_at, claimed_at, answered_at in rows:
        overview.escalations += 1
        by_commune[commune_code][status] += 1
        if claimed_at:
            to_claim.append(claimed_at - created_at)
        if answered_at:
            to_answer.append(answered_at - created_at)
    names = {c.code: c.name for c in province.communes}
    overview.by_commune = sorted(((names.get(code, code), counts) for code, counts in by_commune.items()),
                                 key=lambda pair: (-sum(pair[1].values()), pair[0]))
    overview.median_to_claim, overview.median_to_answer = _median(to_claim), _median(to_answer)
    late = select(Escalation.ticket_code, Escalation.commune_code, Escalation.created_at).where(
        Escalation.status == OPEN, Escalation.created_at <= overview.until - overdue_after)
    overview.overdue_total = session.scalar(select(func.count()).select_from(late.subquery())) or 0
    overview.overdue = [OverdueTicket(code, names.get(commune, commune), created, overview.until - created)
                        for code, commune, created in session.execute(
                            late.order_by(Escalation.created_at).limit(MAX_OVERDUE_LISTED))]


def build_overview(engine: Engine, province: Province, entries: list[KnowledgeEntry], since: datetime,
                   until: datetime, overdue_after: timedelta) -> Overview:
    """The overview of questions and escalations created in [`since`, `until`); overdue counts at `until`."""
    first, last = local_day(since), local_day(until - timedelta(microseconds=1))
    overview = Overview(since, until, [first + timedelta(days=n) for n in range((last - first).days + 1)])
    topics = {entry.id: entry.topic for entry in entries}
    with Session(engine) as session:
        _questions(session, overview, topics)
        _ratings(session, overview)
        _escalations(session, overview, province, overdue_after)
    return overview
