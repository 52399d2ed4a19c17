"""Compose the answer to one question from the answer-card bank and the statutes.

- The best card is certain enough → its answer: the worker's own facts applied first when the card has a
  rule for them (after a short verdict such as "不合法。"), the direct answer, conditions when they fit on a
  phone screen, at most three next steps for this question, a one-line disclaimer. Citations are the card's
  articles, shown as cards below the bubble (statute text is never repeated in the bubble).
- The best card is only probable → the same, shorter (conditions only when short, two steps), introduced as
  "如果您问的是…"; when the runner-up card is probable too, its direct answer follows, introduced the same
  way; the other close cards are one-tap options.
- Nothing is even probable → says so first; the (at most two) cards still close enough to offer are answered
  as guesses the same way, any others are options; the general steps, articles marked as possibly relevant,
  the offer of a person; the question goes to staff's unanswered list.
- A message that asks two things gets both cards.
Every cited article is checked against the serving index: it must exist and be in force.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from phrasebook import say

from . import facts as question_facts
from .card_match import CardHit
from .cards import AnswerCard, opening
from .locality import localise
from .retriever import Hit, Retriever, SearchResult

ANSWER_P = 0.45  # calibrated P(right card) from which the card is simply the answer
# From here the best card is answered as "如果您问的是…" with alternatives, the runner-up's answer usually with
# it. On the held-out phrasings (with the Rasa intent, 1,269 cards, ranked with the nearest-phrasing shares)
# the best card at P 0.07–0.10 was right for 44 % and one of the two answered for 69 % (0.10–0.13: 53 %,
# 73 %); at 0.05–0.07 only for 24 % and 41 %: a worker is better served by the two closest answers, framed
# as conditions, than by none, down to here.
PROBABLE_P = 0.07
# A probable answer also gives the runner-up card's answer, framed the same way, when that card is this
# probable: on the held-out phrasings answered as probable, the runner-up (at P >= 0.05) was the right card
# for 24 % of them, which a worker would otherwise reach only by tapping an option.
SECOND_P = 0.05
OPTION_P = 0.04  # a card this probable is worth offering as an option
MAX_OPTIONS = 3
MAX_CITATIONS = 4
MAX_STEPS = 3
BUBBLE_CHARS = 350  # the answer and its conditions; steps and the disclaimer follow
GUESS_CHARS, GUESS_STEPS = 250, 2  # the same for a probable answer, framed as "如果您问的是…"
SECOND_GUESS_CHARS = 60  # a second guess says its direct answer: whole sentences up to at least this much
OUT_OF_SCOPE = "out_of_scope"
UNSURE_REASON = "low_confidence"
OTHER_PLACE = ""  # the worker named several cities other than Beijing: which one is the workplace is unclear
_HOME_TOWN = re.compile(r"老家|户口|户籍|回")
# Claims against an employer that arbitration's one-year limit governs (injury recognition, insurance
# back-payment and the dispute-procedure cards have their own rules and say them).
CLAIM_TOPICS = ("dismissal", "labor_contract", "wage_arrears", "overtime_hours", "leave", "women_protection")
TIME_LIMIT_ARTICLE = ("劳动争议调解仲裁法", 27)
_SEGMENT = re.compile(r"[？?。！!；;\n]+|还有(?:就是)?|另外|再问一下|顺便问一?下?|还想问")
MIN_SEGMENT = 6


@dataclass
class Answer:
    kind: str  # card | cards | probable | unsure | referral
    text: str  # the bubble as the worker reads it (web chat and WeChat alike)
    citations: list[dict]  # {"law", "article", "text"}, most relevant first (CONTRACT.md §3)
    confidence: float  # calibrated P(the answer's card is the right one); article confidence when unsure
    cards: list[str] = field(default_factory=list)  # ids of the cards answered
    options: list[dict] = field(default_factory=list)  # {"title", "payload"}: other cards to ask
    calculator: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)
    hits: list[Hit] = field(default_factory=list)

    @property
    def unsure(self) -> bool:
        return self.kind == "unsure"


def verified(retriever: Retriever, law: str, article: int | None) -> dict | None:
    """A citation of an in-force statute or union-policy article the serving index holds, else None."""
    chunk = retriever.article(law, article) if article is not None else None
    if chunk is None or not chunk.citable or chunk.doc_type == "typical_case":
        return None
    doc = retriever.documents.get(chunk.law)
    if doc is None or doc["status"] != "in_force":
        return None
    return {"law": chunk.law, "article": chunk.number, "text": chunk.text}


def book_title(law: str) -> str:
    """《…》 around a title, nested title marks turned into 〈〉 as Chinese typesetting requires."""
    return "《" + law.replace("《", "〈").replace("》", "〉") + "》"


def compose(
    retriever: Retriever, text: str, intent: str | None, entities: list[dict], intent_confidence: float = 0.0
) -> Answer:
    facts = question_facts.analyse(text)
    found = retriever.search(text, intent=intent, k=8, intent_confidence=intent_confidence)
    # A card whose rule is for other people than the worker says they are (a 67-year-old and a rule for
    # workers below retirement age) does not answer them, however close its wording.
    result = replace(found, cards=_for_worker(found.cards, facts))
    city = _other_city(entities, text)
    two = _two_questions(retriever, text, intent, intent_confidence, result.cards, facts)
    best = result.cards[0] if result.cards else None
    decided = _decided_by_facts(result.cards, facts, text)
    if two is not None:
        answer = _two_cards(retriever, *two, facts, city, result)
    elif decided is not None:
        answer = _one_card(retriever, decided, facts, city, result, certain=True)
    elif best is not None and best.probability >= PROBABLE_P:
        runner_up = _runner_up(result.cards, best)
        if runner_up is None:
            answer = _one_card(retriever, best, facts, city, result)
        else:
            answer = _two_cards(retriever, best, runner_up, facts, city, result, framed=True)
    elif intent == OUT_OF_SCOPE and not _speaks_of_work(retriever, text):
        answer = Answer(
            kind="referral",
            text=say("answer.out_of_scope"),
            citations=[],
            confidence=result.confidence,
            hits=result.hits,
        )
    else:
        answer = _unsure(retriever, result, intent)
    answer.facts = facts.known()  # kept for the conversation: calculators and follow-ups use them
    return answer


def _for_worker(cards: list[CardHit], facts: question_facts.QuestionFacts) -> list[CardHit]:
    """The cards whose rule can be for this worker: none whose premise their stated age rules out."""
    return [h for h in cards if not question_facts.contradicts(h.card.premise, facts)]


def _decided_by_facts(cards: list[CardHit], facts: question_facts.QuestionFacts, text: str) -> CardHit | None:
    """The closest card whose rule the worker's own facts settle (a stated disability grade asked about for
    what it brings): the question is answered for those facts, even when its wording came closer to a
    general card ("8级工伤怎么赔偿" reads like "工伤怎么赔偿", but the grade decides what is owed)."""
    return next(
        (h for h in cards if h.probability >= OPTION_P and question_facts.decides(h.card.facts, facts, text)), None
    )


def _one_card(
    retriever: Retriever,
    hit: CardHit,
    facts: question_facts.QuestionFacts,
    city: str | None,
    result: SearchResult,
    certain: bool | None = None,
) -> Answer:
    card = hit.card
    certain = hit.probability >= ANSWER_P if certain is None else certain
    # The worker's facts are applied only to a card that surely answers their question: applied to a guess,
    # an unrelated number ("小半年" before a job starts) reads as a fact about them that they never stated.
    personal = question_facts.apply(card.facts, facts) if certain else None
    # A card about other grades than the worker's ("五、六级…" to grade eight) would read as their rule.
    own_rule = not (personal and question_facts.speaks_of_other_grades(card.answer, facts))
    lead = _with_facts(personal, card.answer if own_rule else "")
    if not certain:
        lead = say("answer.probable", question=card.question) + lead
    parts = [lead]
    # A guess leaves room for the close questions to tap under it: shorter conditions, two steps.
    room = BUBBLE_CHARS if certain else GUESS_CHARS
    if own_rule and card.details and len(lead) + len(card.details) <= room:
        parts.append(card.details)
    parts += _time_limit(facts, [card])
    parts, steps = _for_city(parts, card.steps if certain else card.steps[:GUESS_STEPS], city)
    referral = card.intent == OUT_OF_SCOPE
    text = _bubble(parts, steps, closing="" if referral else None)  # a referral is no legal advice
    kind = "referral" if referral else "card" if certain else "probable"
    if referral:  # the matter belongs to another office: no labour-law article bears on it
        citations = []
    else:
        own = _card_citations(retriever, [card]) if certain else _hit_citations(retriever, result.hits, [card])
        if personal:  # the sentence applying the worker's facts cites what it rests on first
            own = _grounds_first(retriever, *question_facts.grounds(card.facts, facts), own)
        citations = _with_time_limit(retriever, _with_union_policy(retriever, own, result), facts, [card])
    return Answer(
        kind=kind,
        text=text,
        citations=citations,
        confidence=hit.probability,
        cards=[card.id],
        options=[] if certain else _options(result.cards[1:]),
        calculator=card.calculator,
        facts=facts.known(),
        hits=result.hits,
    )


_VERDICT = re.compile(r"^[^，。；：]{1,6}。")  # "不合法。", "能。", "算工伤。"


def _with_facts(personal: str | None, answer: str) -> str:
    """The card's answer with the sentence applying its rule to the worker's facts: first, unless the answer
    opens with a short verdict ("不合法。"), which stays the first thing a worker reads."""
    verdict = _VERDICT.match(answer) if personal else None
    if verdict is None:
        return (personal or "") + answer
    return verdict.group() + personal + answer[verdict.end() :]


def _two_cards(
    retriever: Retriever,
    first: CardHit,
    second: CardHit,
    facts: question_facts.QuestionFacts,
    city: str | None,
    result: SearchResult,
    framed: bool = False,
) -> Answer:
    """Two cards in one reply: a message that asks two things (each answered for the worker's facts), or,
    ``framed``, the two cards most likely to be the question (each introduced as "如果您问的是…", no facts
    applied to a guess, the other close cards still offered)."""
    if framed:
        parts = _guesses(first, second)
    else:
        parts = [
            (question_facts.apply(first.card.facts, facts) or "") + first.card.answer,
            say("answer.second_heading", question=second.card.question)
            + (question_facts.apply(second.card.facts, facts) or "")
            + second.card.answer,
        ]
    cards = [first.card, second.card]
    parts += _time_limit(facts, cards)
    # Two guesses share the phone screen: each brings its first step only.
    steps = first.card.steps[:1] + second.card.steps[:1] if framed else first.card.steps[:2] + second.card.steps[:2]
    parts, steps = _for_city(parts, list(dict.fromkeys(steps)), city)
    if framed:
        citations = _with_union_policy(retriever, _hit_citations(retriever, result.hits, cards), result)
    else:
        citations = _card_citations(retriever, cards)
    return Answer(
        kind="probable" if framed else "cards",
        text=_bubble(parts, steps),
        citations=_with_time_limit(retriever, citations, facts, cards),
        confidence=first.probability if framed else min(first.probability, second.probability),
        cards=[first.card.id, second.card.id],
        options=_options([c for c in result.cards if c.id not in (first.id, second.id)]) if framed else [],
        calculator=first.card.calculator or second.card.calculator,
        facts=facts.known(),
        hits=result.hits,
    )


def _guesses(first: CardHit, second: CardHit | None) -> list[str]:
    """The closest cards' answers, each introduced as "如果您问的是…"; the less likely guess brings its direct
    answer only: the two must fit one phone screen."""
    parts = [say("answer.probable", question=first.card.question) + first.card.answer]
    if second is not None:
        parts.append(
            say("answer.probable", question=second.card.question) + opening(second.card.answer, SECOND_GUESS_CHARS)
        )
    return parts


def _runner_up(cards: list[CardHit], best: CardHit) -> CardHit | None:
    """The second most probable card, when a probable answer should give its answer too."""
    if best.probability >= ANSWER_P or len(cards) < 2 or cards[1].probability < SECOND_P:
        return None
    return cards[1]


def _unsure(retriever: Retriever, result: SearchResult, intent: str | None) -> Answer:
    """No card is probable enough to be the question. The closest ones worth offering are still answered,
    framed as guesses under a line saying so (on the held-out phrasings at P 0.05–0.07 the best card was right
    for 24 % and one of the two for 41 %: a worker reads those answers instead of tapping blind); the rest are
    options, with the general steps and the offer of a person."""
    guessed = [c for c in result.cards[:2] if c.probability >= OPTION_P]
    topic = say(f"topics.{intent}") if intent and intent != OUT_OF_SCOPE else None
    if guessed:
        parts = [say("answer.unsure_guess"), *_guesses(guessed[0], guessed[1] if len(guessed) > 1 else None)]
    elif topic:
        parts = [say("answer.unsure", topic=topic)]
    else:
        parts = [say("answer.unsure_no_topic")]
    # The general steps (keep evidence, 12351), not the topic's: "don't sign a resignation" from the dismissal
    # steps would misguide a worker who asked how to resign, and nothing says which situation this is.
    text = _bubble(parts, retriever.domain.default_next_steps[:2], closing=say("answer.offer_human"))
    cited = _hit_citations(retriever, result.hits, [c.card for c in guessed])
    return Answer(
        kind="unsure",
        text=text,
        citations=[dict(c, relevance="possible") for c in cited[:3]],
        confidence=result.cards[0].probability if result.cards else 0.0,
        cards=[c.id for c in guessed],
        options=_options(result.cards[len(guessed) :]),  # _options keeps those at OPTION_P or more
        reasons=[UNSURE_REASON],
        hits=result.hits,
    )


def _for_city(parts: list[str], steps: list[str], city: str | None) -> tuple[list[str], list[str]]:
    """The answer as a worker in another city reads it: Beijing's offices and standards as the local ones,
    Beijing-only rules left out, and a line saying that local standards decide."""
    if city is None:
        return parts, steps
    note = say("answer.other_city", city=city) if city else say("answer.other_place")
    return [*(localise(p) for p in parts), note], [localise(s) for s in steps]


def _time_limit(facts: question_facts.QuestionFacts, cards: list[AnswerCard]) -> list[str]:
    """A warning when the job ended more than a year ago and the cards answer a claim against the employer:
    the card's "可以要" would otherwise read as still open."""
    if not _claims_out_of_time(facts, cards):
        return []
    return [say("answer.time_limit", date=facts.left_on_said)]


def _with_time_limit(
    retriever: Retriever, citations: list[dict], facts: question_facts.QuestionFacts, cards: list[AnswerCard]
) -> list[dict]:
    if not _claims_out_of_time(facts, cards) or any((c["law"], c["article"]) == TIME_LIMIT_ARTICLE for c in citations):
        return citations
    cited = verified(retriever, *TIME_LIMIT_ARTICLE)
    return citations if cited is None else [*citations[: MAX_CITATIONS - 1], cited]


def _claims_out_of_time(facts: question_facts.QuestionFacts, cards: list[AnswerCard]) -> bool:
    return question_facts.time_limit_passed(facts) and any(
        c.intent in CLAIM_TOPICS and c.facts != "arbitration_deadline" for c in cards
    )


def _bubble(parts: list[str], steps: list[str], closing: str | None = None) -> str:
    """The answer, the next steps, and a closing line (the disclaimer unless ``closing`` says otherwise)."""
    lines = [p for p in parts if p]
    if steps:
        lines.append(say("answer.steps_heading"))
        lines += [f"{i}. {s}" for i, s in enumerate(steps[:MAX_STEPS], 1)]
    closing = say("answer.disclaimer") if closing is None else closing
    return "\n".join(lines + ([closing] if closing else []))


def _card_citations(retriever: Retriever, cards: list[AnswerCard]) -> list[dict]:
    return _citable(retriever, [a for card in cards for a in card.articles])


def _citable(retriever: Retriever, ranked: list[tuple[str, int]]) -> list[dict]:
    """The first MAX_CITATIONS of these articles that the serving index can cite, each once."""
    seen, out = set(), []
    for law, number in ranked:
        cited = verified(retriever, law, number)
        if cited is not None and (law, number) not in seen:
            seen.add((law, number))
            out.append(cited)
    return out[:MAX_CITATIONS]


def _grounds_first(
    retriever: Retriever, grounds: list[tuple[str, int]], beside_the_point: set[tuple[str, int]], citations: list[dict]
) -> list[dict]:
    first = [c for c in (verified(retriever, law, number) for law, number in grounds) if c is not None]
    left_out = {(c["law"], c["article"]) for c in first} | beside_the_point
    return [*first, *(c for c in citations if (c["law"], c["article"]) not in left_out)][:MAX_CITATIONS]


def _with_union_policy(retriever: Retriever, citations: list[dict], result: SearchResult) -> list[dict]:
    """The union policy article the worker's own words find first is cited too, even when the card does not
    rest on it: a document staff have just added reaches workers before a card is written for it."""
    hit = result.policy_hit
    if hit is None or any((c["law"], c["article"]) == (hit.law, hit.article) for c in citations):
        return citations
    extra = verified(retriever, hit.law, hit.article)
    return citations if extra is None else [*citations[: MAX_CITATIONS - 1], extra]


def _hit_citations(retriever: Retriever, hits: list[Hit], cards: list[AnswerCard]) -> list[dict]:
    """The hybrid's articles (which the probable cards voted for), after the first two of each card's own."""
    return _citable(retriever, [a for card in cards for a in card.articles[:2]] + [(h.law, h.article) for h in hits])


def _options(cards: list[CardHit]) -> list[dict]:
    return [
        {"title": c.card.question, "payload": f'/ask_card{{"card":"{c.id}"}}'}
        for c in cards
        if c.probability >= OPTION_P
    ][:MAX_OPTIONS]


def _two_questions(
    retriever: Retriever,
    text: str,
    intent: str | None,
    confidence: float,
    whole: list[CardHit],
    facts: question_facts.QuestionFacts,
) -> tuple[CardHit, CardHit] | None:
    """Two cards when the message asks two things: two parts of it each surely match a different card, and
    one of them is among the closest cards to the whole message (the other part may be on another topic,
    which the whole message's ranking, led by its first topic, leaves out). That one is answered first."""
    segments = [s.strip() for s in _SEGMENT.split(text) if len(s.strip()) >= MIN_SEGMENT]
    if len(segments) < 2 or not whole:
        return None
    found: list[CardHit] = []
    for segment, query in zip(segments, retriever.cards.embed_many(segments)):
        best = _for_worker(retriever.cards.match(segment, intent, confidence, k=1, query=query), facts)
        if best and best[0].probability >= ANSWER_P and all(best[0].id != f.id for f in found):
            found.append(best[0])
    closest = [c.id for c in whole[:3]]
    anchored = sorted((f for f in found if f.id in closest), key=lambda f: closest.index(f.id))
    if len(found) < 2 or not anchored:
        return None
    return anchored[0], next(f for f in found if f.id != anchored[0].id)


def _speaks_of_work(retriever: Retriever, text: str) -> bool:
    """Whether the message uses a word workers use for their work (老板, 工资, 上班…, the keys of the query
    expansion table): such a message is not referred away as "not a labour matter", even when the NLU
    thought it was off-topic; it gets the unsure answer, with options and a person."""
    return any(word in text for word in retriever.domain.expansions)


def _other_city(entities: list[dict], text: str) -> str | None:
    """Where the worker works when that is not Beijing: the one other city they name (``OTHER_PLACE`` when
    they name several). A message that names Beijing or one of its districts is about Beijing, and a city
    named as a home town ("老家信阳", "户口在周口") is not where the work is."""
    if "北京" in text or "在京" in text or any(e.get("entity") == "district" for e in entities or []):
        return None
    cities = []
    for ent in entities or []:
        value, start = str(ent.get("value") or ""), ent.get("start")
        before = text[max(0, start - 3) : start] if isinstance(start, int) else ""
        if ent.get("entity") == "city" and value and not _HOME_TOWN.search(before) and value not in cities:
            cities.append(value)
    return None if not cities else cities[0] if len(cities) == 1 else OTHER_PLACE


def card_answer(
    retriever: Retriever, card_id: str, text: str = "", entities: list[dict] | None = None
) -> Answer | None:
    """The answer of one card chosen by the worker (a tapped option), with their facts applied."""
    card = retriever.cards.by_id.get(card_id)
    if card is None:
        return None
    hit = CardHit(card=card, probability=1.0, dense=1.0, phrasing=card.question)
    result = SearchResult(hits=[], confidence=1.0, low_confidence=False)
    return _one_card(retriever, hit, question_facts.analyse(text), _other_city(entities or [], text), result)
