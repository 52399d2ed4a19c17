"""Small helpers shared by the /admin tests: staff login, CSRF tokens, index builds, seeded history."""

from __future__ import annotations

import re

from tests.support.app import PASSWORD, form_csrf, staff_login
from tests.support.wait import wait_until


def admin_login(app, username: str = "staff_sun", password: str = PASSWORD):
    return staff_login(app, "admin", username, password)


def page_csrf(client, path: str = "/admin/documents") -> str:
    return form_csrf(client.get(path).text)


def start_build(client, full: bool = False) -> int:
    form = {"csrf": page_csrf(client, "/admin/index"), **({"full": "true"} if full else {})}
    response = client.post("/admin/index/build", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    return int(re.search(r"job=(\d+)", response.headers["location"]).group(1))


def wait_for_job(client, job_id: int, timeout_s: float = 240, until=lambda job: job["state"] != "running") -> dict:
    return wait_until(
        lambda: (job := client.get(f"/admin/index/jobs/{job_id}").json()) and until(job) and job,
        timeout_s,
        0.2,
        what=f"build job {job_id}",
    )


def alerts(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", m).strip() for m in re.findall(r'role="alert">(.*?)</(?:p|div)>', html, re.S)]


WORKER_QUESTIONS = [  # our own phrasings, spread over the last days, for the insights page
    "老板两个月没发工资了",
    "工地干完活包工头不给钱",
    "每天加班到十点没有加班费",
    "周末加班公司只给调休",
    "入职半年还没签劳动合同",
    "公司突然让我明天不用来了",
    "怀孕了公司要调我岗降薪",
    "下班路上被车撞了算工伤吗",
    "公司不给交社保怎么办",
    "年假公司不让休",
    "送外卖摔伤了平台管不管",
    "想申请劳动仲裁要准备什么",
]


def seed_history(sessions, days: int = 10) -> None:
    """Worker messages (with the topic the bot read), cases and scores over the last ``days`` days, as the
    conversation service stores them."""
    from datetime import datetime, timedelta, timezone

    from api.cases.models import Case
    from api.conversation.models import ConversationMessage, Feedback

    now = datetime.now(timezone.utc)
    with sessions() as db:
        for i in range(days * 3):
            at = now - timedelta(days=i % days, hours=i % 7)
            text = WORKER_QUESTIONS[i % len(WORKER_QUESTIONS)]
            db.add(
                ConversationMessage(
                    channel="web",
                    user_id=f"seed{i}",
                    direction="in",
                    author="worker",
                    text=text,
                    payload={
                        "topic": "wage_arrears" if i % 2 else "overtime_hours",
                        "entities": [{"entity": "district", "value": "海淀区"}],
                    },
                    created_at=at,
                )
            )
            if i % 4 == 0:
                db.add(
                    Case(
                        channel="web",
                        user_id=f"seed{i}",
                        topic="wage_arrears",
                        description=text,
                        district=("朝阳区", "海淀区", "丰台区")[i % 3],
                        reasons=["user_request"],
                        facts=[{"entity": "employer_type", "value": ("建筑工地", "外卖平台", "餐饮店")[i % 3]}],
                        status="closed",
                        opened_at=at,
                        claimed_at=at + timedelta(minutes=20 + i),
                        closed_at=at + timedelta(hours=5 + i),
                        outcome="resolved",
                    )
                )
            if i % 3 == 0:
                db.add(Feedback(channel="web", user_id=f"seed{i}", about="answer", score=3 + i % 3, created_at=at))
        db.commit()
