"""Case rules against a real database: one active case per worker, who may do what, notes and closing."""

import asyncio
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from api.cases.models import Case, CaseAssignment, CaseNote
from api.cases.service import CaseConflict, CaseForbidden, CaseNotFound, split_sender
from api.cases.sla import sla_badge
from api.cases.summary import extractive_summary
from api.users.models import Role


def test_opening_twice_joins_the_active_case_and_keeps_the_higher_priority(cases, sessions):
    first, created = cases.open_case(
        "webchat",
        "w1",
        topic="wage_arrears",
        priority="normal",
        reasons=["user_request"],
        description="老板拖欠三个月工资",
    )
    again, created_again = cases.open_case(
        "webchat",
        "w1",
        priority="urgent",
        reasons=["risk:self_harm"],
        phone="13912345678",
        consent=True,
        district="朝阳区",
    )
    assert (created, created_again, again) == (True, False, first)
    with sessions() as db:
        case = db.get(Case, first)
        assert (case.priority, case.reasons) == ("urgent", ["user_request", "risk:self_harm"])
        assert (case.phone, case.district, case.description) == (
            "13912345678",
            "朝阳区",
            "老板拖欠三个月工资",
        )


def test_phone_is_kept_only_with_consent(cases, sessions):
    case_id, _ = cases.open_case("webchat", "w2", phone="13912345678", consent=False)
    with sessions() as db:
        assert db.get(Case, case_id).phone == ""


def test_concurrent_openings_for_one_worker_make_one_case(cases, sessions):
    barrier, ids = threading.Barrier(8), []

    def open_one():
        barrier.wait()
        ids.append(cases.open_case("wechat", "same-worker", reasons=["user_request"])[0])

    threads = [threading.Thread(target=open_one) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(ids) == 8 and len(set(ids)) == 1
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Case).where(Case.user_id == "same-worker")) == 1


def test_only_the_holder_or_an_admin_acts_on_a_claimed_case(cases, sessions, make_user):
    holder, other, admin = make_user("holder"), make_user("other"), make_user("boss", Role.admin)
    case_id, _ = cases.open_case("webchat", "w3")
    cases.claim(case_id, holder)
    with pytest.raises(CaseForbidden):
        cases.release(case_id, other)
    with pytest.raises(CaseForbidden):
        cases.transfer(case_id, other, other.id)
    cases.transfer(case_id, holder, other.id)
    cases.add_note(case_id, holder, "已电话联系职工，补充证据中")  # any lawyer may add notes
    cases.release(case_id, admin)
    with sessions() as db:
        case = db.get(Case, case_id)
        assert (case.status, case.claimed_by_id) == ("open", None)
        spans = db.scalars(
            select(CaseAssignment).where(CaseAssignment.case_id == case_id).order_by(CaseAssignment.id)
        ).all()
        assert [(a.lawyer_id, a.ended_at is not None) for a in spans] == [(holder.id, True), (other.id, True)]
        assert db.scalar(select(CaseNote.text).where(CaseNote.case_id == case_id)) == "已电话联系职工，补充证据中"


def test_transfer_only_to_a_lawyer(cases, make_user):
    holder, staff = make_user("h2"), make_user("clerk", Role.staff)
    case_id, _ = cases.open_case("webchat", "w4")
    cases.claim(case_id, holder)
    with pytest.raises(CaseConflict):
        cases.transfer(case_id, holder, staff.id)


def test_close_frees_the_worker_and_asks_for_a_score(cases, sessions, make_user, delivered):
    lawyer = make_user("closer")
    case_id, _ = cases.open_case("webchat", "w5")
    with pytest.raises(CaseConflict):  # must be claimed first
        asyncio.run(cases.close(case_id, lawyer, "answered"))
    cases.claim(case_id, lawyer)
    asyncio.run(cases.close(case_id, lawyer, "answered", "已告知申请仲裁的时效"))
    with pytest.raises(CaseConflict):
        asyncio.run(cases.close(case_id, lawyer, "answered"))
    with sessions() as db:
        case = db.get(Case, case_id)
        assert (case.status, case.active_key, case.awaiting_feedback) == ("closed", None, True)
    channel, user_id, closing, closed_case = delivered[-1]  # handed to the worker's channel, with the case
    assert (channel, user_id, closed_case) == ("webchat", "w5", case_id)
    assert closing.author == "system" and "1–5" in closing.text
    assert [b["payload"] for b in closing.buttons] == ["5", "4", "3", "2", "1"]
    new_id, created = cases.open_case("webchat", "w5")  # the worker can open a new case afterwards
    assert created and new_id != case_id


def test_missing_case(cases, make_user):
    with pytest.raises(CaseNotFound):
        cases.claim(999999, make_user("nobody"))


def test_summary_prefers_factual_sentences():
    summary = extractive_summary(
        [
            "你好。",
            "在吗？",
            "我在工地干了8个月，老板拖欠工资两万三千元。",
            "谢谢你啊！",
            "公司也没给我交社保，合同也没签。",
            "今天天气不错。",
        ],
        [{"entity": "money", "value": "两万三千元"}],
    )
    assert summary == "我在工地干了8个月，老板拖欠工资两万三千元。公司也没给我交社保，合同也没签。"
    assert extractive_summary(["你好"]) == ""


def test_sla_badges():
    now = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)
    urgent = Case(priority="urgent", status="open", opened_at=now - timedelta(minutes=20))
    normal = Case(priority="normal", status="open", opened_at=now - timedelta(hours=20))
    answered = Case(
        priority="high",
        status="claimed",
        opened_at=now - timedelta(hours=3),
        first_response_at=now - timedelta(hours=2, minutes=30),
    )
    assert (sla_badge(urgent, now).state, sla_badge(urgent, now).label) == ("breach", "已超时5分钟")
    assert (sla_badge(normal, now).state, sla_badge(normal, now).label) == ("warn", "剩余4小时")
    assert (sla_badge(answered, now).state, sla_badge(answered, now).label) == ("met", "已响应（用时30分钟）")


def test_sender_ids():
    assert split_sender("wechat:o6_bmjrPTlm6:x") == ("wechat", "o6_bmjrPTlm6:x")
    with pytest.raises(ValueError):
        split_sender("no-channel")
