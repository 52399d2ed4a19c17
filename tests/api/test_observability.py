"""What operators watch: /metrics after real turns (in-process, fake Rasa, the real knowledge base), the queue
gauges read from the database, the metrics token, and request ids in responses and log lines."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from api.cases.models import Case
from api.channels.wechat.models import WechatOutbox
from api.conversation.models import utcnow
from tests.support.app import chat_turn, isolated_settings, running_app


def samples(client, **headers) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def value(found: dict, name: str, **labels) -> float:
    return found.get((name, frozenset(labels.items())), 0.0)


def test_turns_are_counted_with_their_stages_and_a_crisis_as_an_escalation(app_client):
    client, _app = app_client
    before = samples(client)
    chat_turn(client, "公司拖欠工资三个月了怎么办")
    chat_turn(client, "工资一直不发 我真的不想活了")
    after = samples(client)
    assert value(after, "laborbot_turn_seconds_count", channel="web") == 2
    for stage in ("nlu", "decide", "retrieval", "dialogue", "database"):
        assert value(after, "laborbot_stage_seconds_count", stage=stage) > value(
            before, "laborbot_stage_seconds_count", stage=stage
        ), stage
    assert value(after, "laborbot_escalations_total", reason="risk:self_harm") == 1
    assert sum(v for (name, _), v in after.items() if name == "laborbot_replies_total") == 2
    assert value(after, "laborbot_index_version", version=app_client[1].state.kb.version) == 1


def test_queue_gauges_come_from_the_database(app_client):
    client, app = app_client
    now = utcnow()
    with app.state.sessions() as db:
        db.add(WechatOutbox(openid="o-1", content="您好", source="bot", created_at=now - timedelta(seconds=90)))
        db.add(
            WechatOutbox(openid="o-1", content="已发", source="bot", status="sent", created_at=now - timedelta(hours=1))
        )
        db.add(Case(channel="web", user_id="w1", priority="high", priority_rank=1, opened_at=now - timedelta(hours=3)))
        db.add(
            Case(channel="web", user_id="w2", priority="high", priority_rank=1, opened_at=now - timedelta(minutes=5))
        )
        db.add(
            Case(channel="web", user_id="w3", priority="urgent", priority_rank=0, opened_at=now - timedelta(minutes=1))
        )
        db.commit()
    found = samples(client)
    assert value(found, "laborbot_outbox_pending") == 1
    assert 85 <= value(found, "laborbot_outbox_oldest_age_seconds") < 600
    assert value(found, "laborbot_cases_waiting", priority="high") == 2
    assert value(found, "laborbot_cases_sla_breached", priority="high") == 1
    assert value(found, "laborbot_cases_waiting", priority="urgent") == 1
    assert value(found, "laborbot_cases_sla_breached", priority="urgent") == 0


def test_a_metrics_token_keeps_scrapers_without_it_out(tmp_path, fake_rasa):
    with running_app(isolated_settings(tmp_path, metrics_token="scrape-secret-2024"), fake_rasa) as (client, _app):
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert "laborbot_outbox_pending" in str(samples(client, Authorization="Bearer scrape-secret-2024"))


def test_every_response_has_a_request_id_and_a_caller_s_own_id_is_kept(bare_app):
    client, _app = bare_app
    first, second = client.get("/healthz"), client.get("/healthz")
    assert len(first.headers["x-request-id"]) == 32 and first.headers["x-request-id"] != second.headers["x-request-id"]
    assert client.get("/healthz", headers={"X-Request-ID": "proxy-abc-12345"}).headers["x-request-id"] == (
        "proxy-abc-12345"
    )
    forged = client.get("/healthz", headers={"X-Request-ID": "evil\nline"}).headers["x-request-id"]
    assert forged != "evil\nline" and len(forged) == 32


def test_log_lines_carry_the_request_id_and_json_lines_when_configured(tmp_path, fake_rasa):
    root = logging.getLogger()
    kept = root.handlers[:]
    root.handlers = [h for h in kept if not isinstance(h, logging.FileHandler)]  # this app configures its own
    try:
        settings = isolated_settings(tmp_path, log_format="json")
        with running_app(settings, fake_rasa) as (client, _app):
            fake_rasa.down = True  # the turn logs a warning while serving the request
            rid = client.post(
                "/api/webchat/messages",
                json={"text": "老板欠我工资 电话13912345678", "client_id": "c-log-0001", "after": 0},
            ).headers["x-request-id"]
        lines = [json.loads(line) for line in (settings.log_dir / "app.log").read_text(encoding="utf-8").splitlines()]
    finally:
        for handler in root.handlers:
            if handler not in kept:
                handler.close()
        root.handlers = kept
    served = [line for line in lines if line["request_id"] == rid]
    assert served and {"asctime", "levelname", "name", "message"} <= served[0].keys()
    assert any("rasa unavailable" in line["message"] for line in served)
    assert "13912345678" not in json.dumps(lines, ensure_ascii=False)
