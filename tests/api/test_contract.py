"""CONTRACT.md §1–§3, exercised over HTTP against the running product."""

from __future__ import annotations

import httpx
import pytest
import yaml
from sqlalchemy import text

from api.core.db import make_engine
from api.core.settings import PROJECT_ROOT

from .conftest import PASSWORD, ROLES

pytestmark = pytest.mark.slow

TAXONOMY = yaml.safe_load((PROJECT_ROOT.parent / "shared" / "taxonomy.yml").read_text("utf-8"))
INTENTS = set(TAXONOMY["topic_intents"]) | set(TAXONOMY["dialogue_intents"])


def ask(base_url: str, body, token: str | None, **kwargs) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.post(f"{base_url}/api/v1/ask", json=body, headers=headers, timeout=30, **kwargs)


def test_healthz_is_200_when_model_index_and_database_are_ready(base_url):
    response = httpx.get(f"{base_url}/healthz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"nlu_model": True, "kb_index": True, "database": True}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_a_bearer_token_and_may_ask(base_url, role):
    response = httpx.post(f"{base_url}/api/v1/auth/token", data={"username": f"{role}1", "password": PASSWORD})
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer" and body["access_token"]
    assert ask(base_url, {"text": "加班费怎么算"}, body["access_token"]).status_code == 200


def test_wrong_password_is_refused(base_url):
    response = httpx.post(f"{base_url}/api/v1/auth/token", data={"username": "staff1", "password": "nope-nope"})
    assert response.status_code == 401


def test_ask_answers_in_the_contract_shape(base_url, token):
    response = ask(base_url, {"text": "老板拖了我三个月工资，一共两万四，我在朝阳区的工厂上班"}, token)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"intent", "confidence", "entities", "answer", "citations", "escalate", "priority", "reasons"}
    assert body["intent"] == "wage_arrears"
    assert 0.0 <= body["confidence"] <= 1.0
    kinds = {e["entity"] for e in body["entities"]}
    assert {"duration", "money", "district"} <= kinds
    for entity in body["entities"]:
        assert isinstance(entity["start"], int) and isinstance(entity["end"], int)
    assert body["priority"] in (None, "urgent", "high", "normal")
    assert isinstance(body["reasons"], list) and isinstance(body["escalate"], bool)


def test_ask_intent_is_always_a_taxonomy_name(base_url, token):
    for message in ("你好", "今天天气怎么样", "转人工", "嗯", "工伤认定要多久", "asdfgh"):
        body = ask(base_url, {"text": message}, token).json()
        assert body["intent"] in INTENTS, (message, body["intent"])


def test_ask_stores_nothing(product, base_url, token):
    engine = make_engine(product.sqlalchemy_url)
    tables = ("conversation_messages", "cases")

    def counts():
        with engine.connect() as conn:
            return {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one() for t in tables}

    before = counts()
    for message in ("我要找律师", "我不想活了 老板欠钱不给", "被辞退了有补偿吗"):
        assert ask(base_url, {"text": message}, token).status_code == 200
    assert counts() == before


@pytest.mark.parametrize(
    "body",
    [{"text": ""}, {"text": "   "}, {"text": 123}, {"text": None}, {}, {"question": "工资"}, ["工资"]],
)
def test_bad_bodies_get_a_clear_422(base_url, token, body):
    response = ask(base_url, body, token)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_100_kb_text_is_refused(base_url, token):
    response = ask(base_url, {"text": "工资" * 50_000}, token)
    assert response.status_code in (413, 422)
    assert response.json()["detail"]


def test_invalid_json_is_refused(base_url, token):
    response = httpx.post(
        f"{base_url}/api/v1/ask",
        content=b"{not json",
        timeout=30,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    assert response.status_code == 422


@pytest.mark.parametrize("token_value", [None, "garbage", "Bearer.x.y"])
def test_missing_or_bad_token_is_401(base_url, token_value):
    assert ask(base_url, {"text": "加班费"}, token_value).status_code == 401
