"""A claim is exactly-once: of 20 lawyers claiming the same case at the same moment, one wins."""

import threading
import time

import pytest
from sqlalchemy import func, select

from api.cases.models import Case, CaseAssignment, CaseAuditEntry, CaseStatusChange
from api.cases.service import CaseConflict

CLAIMANTS = 20
ROUNDS = 3


def race(cases, case_id, lawyers):
    barrier = threading.Barrier(len(lawyers))
    winners, losers, errors = [], [], []

    def attempt(lawyer):
        barrier.wait()
        try:
            cases.claim(case_id, lawyer)
            winners.append(lawyer.id)
        except CaseConflict:
            losers.append(lawyer.id)
        except Exception as exc:  # a database error is a failure of the claim, not a lost race
            errors.append(repr(exc))

    threads = [threading.Thread(target=attempt, args=(lawyer,)) for lawyer in lawyers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return winners, losers, errors


def test_twenty_concurrent_claims_have_exactly_one_winner(cases, sessions, make_user, db_url):
    lawyers = [make_user(f"lawyer{i}") for i in range(CLAIMANTS)]
    for round_no in range(ROUNDS):
        case_id, _ = cases.open_case("webchat", f"racer-{round_no}", topic="wage_arrears", priority="high")
        started = time.perf_counter()
        winners, losers, errors = race(cases, case_id, lawyers)
        elapsed = time.perf_counter() - started
        print(
            f"{db_url.split(':')[0]} round {round_no}: winners={len(winners)} losers={len(losers)} "
            f"errors={len(errors)} in {elapsed * 1000:.0f} ms"
        )

        assert errors == []
        assert len(winners) == 1 and len(losers) == CLAIMANTS - 1
        with sessions() as db:
            case = db.get(Case, case_id)
            assert (case.status, case.claimed_by_id) == ("claimed", winners[0])

            assert _count(db, CaseAssignment, case_id) == 1
            assert _count(db, CaseStatusChange, case_id, CaseStatusChange.to_status == "claimed") == 1
            assert _count(db, CaseAuditEntry, case_id, CaseAuditEntry.action == "claim") == 1


def _count(db, model, case_id, *where) -> int:
    return db.scalar(select(func.count()).select_from(model).where(model.case_id == case_id, *where))


def test_a_claimed_case_cannot_be_claimed_again(cases, make_user):
    first, second = make_user("first"), make_user("second")
    case_id, _ = cases.open_case("wechat", "openid-1")
    cases.claim(case_id, first)
    with pytest.raises(CaseConflict):
        cases.claim(case_id, second)
    with pytest.raises(CaseConflict):
        cases.claim(case_id, first)
