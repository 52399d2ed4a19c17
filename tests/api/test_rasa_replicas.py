"""The app's Rasa client over several replicas (two stand-ins on real HTTP ports): a conversation's turns
always reach the same replica, parses go round them, a replica that cannot be reached is skipped, and a
turn a replica failed while running is never run again elsewhere. The launcher starts one Rasa process
per replica on consecutive ports, each with its own tracker file."""

from __future__ import annotations

import asyncio
from collections import Counter
from pathlib import Path

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.core.settings import Settings
from api.nlu.client import RasaClient, RasaUnavailable
from api.ops.launcher import RestartBudget, free_port, services
from tests.support.processes import free_port_run
from tests.support.threaded import ThreadedServer


class Replica:
    """A stand-in Rasa server that records what it was asked; ``failing`` answers turns with HTTP 500."""

    def __init__(self, name: str, port: int) -> None:
        self.name, self.port = name, port
        self.turns: list[str] = []
        self.parses = 0
        self.failing = False
        app = FastAPI()

        @app.get("/status")
        async def status() -> dict:
            return {"model_file": "laborbot.tar.gz"}

        @app.post("/model/parse")
        async def parse(request: Request) -> dict:
            self.parses += 1
            text = (await request.json())["text"]
            return {"text": text, "intent": {"name": "wage_arrears", "confidence": 0.9}, "entities": []}

        @app.post("/webhooks/app/webhook")
        async def turn(request: Request):
            self.turns.append((await request.json())["sender"])
            if self.failing:
                return JSONResponse({"error": "boom"}, status_code=500)
            return [{"text": f"from {self.name}"}]

        self.server = ThreadedServer(app, port, f"stand-in Rasa {name}")
        self.url = self.server.url

    def start(self) -> Replica:
        self.server.start()
        return self

    def stop(self) -> None:
        self.server.stop()


@pytest.fixture
def replicas():
    first = free_port_run(2)
    pair = [Replica("a", first).start(), Replica("b", first + 1).start()]
    yield pair
    for replica in pair:
        if replica.server.running:
            replica.stop()


def run(coro):
    return asyncio.run(coro)


def test_a_conversation_stays_on_its_replica_and_parses_go_round(replicas):
    client = RasaClient([r.url for r in replicas], "token")

    async def talk() -> None:
        for i in range(40):
            for _turn in range(3):
                await client.turn(f"web:user-{i}", "老板欠我工资", {"intent": {"name": "wage_arrears"}}, {})
        for _ in range(10):
            await client.parse("老板欠我工资")
        await client.aclose()

    run(talk())
    homes = {r.name: set(r.turns) for r in replicas}
    assert not homes["a"] & homes["b"]  # no conversation on both
    assert all(count == 3 for r in replicas for count in Counter(r.turns).values())
    assert min(len(h) for h in homes.values()) >= 10  # 40 conversations spread over both
    assert [r.parses for r in replicas] == [5, 5]


def test_an_unreachable_replica_is_skipped_but_a_failed_turn_is_not_run_twice(replicas):
    a, b = replicas
    senders = [f"web:user-{i}" for i in range(20)]
    greet = {"intent": {"name": "greet"}}

    async def scenario() -> None:
        client = RasaClient([a.url, b.url], "token")
        homes = {s: (await client.turn(s, "你好", greet, {}))[0]["text"] for s in senders}
        on_a = [s for s, text in homes.items() if text == "from a"]
        assert on_a  # some conversations live on a
        a.stop()  # a is down: its conversations and the parses go to b
        for sender in on_a:
            assert (await client.turn(sender, "你好", greet, {}))[0]["text"] == "from b"
        assert (await client.parse("你好")).intent == "wage_arrears"
        b.failing = True  # b fails while running a turn: it is not run again on another replica
        before = len(b.turns)
        with pytest.raises(RasaUnavailable):
            await client.turn(on_a[0], "你好", greet, {})
        assert len(b.turns) == before + 1
        await client.aclose()

    run(scenario())


def test_the_launcher_starts_one_rasa_per_replica_with_its_own_port_and_tracker(tmp_path):
    settings = Settings(var_dir=tmp_path, rasa_url=f"http://127.0.0.1:{free_port()}", rasa_replicas=3)
    rasa = [s for s in services(settings, Path("model.tar.gz")) if s.name.startswith("rasa")]
    assert [s.name for s in rasa] == ["rasa", "rasa-2", "rasa-3"]
    ports = [int(s.cmd[s.cmd.index("--port") + 1]) for s in rasa]
    assert ports == [ports[0], ports[0] + 1, ports[0] + 2] and settings.rasa_urls[2].endswith(str(ports[2]))
    assert len({s.env["RASA_TRACKER_DB"] for s in rasa}) == 3


def test_on_postgresql_and_redis_every_replica_uses_the_production_stores(tmp_path):
    settings = Settings(
        var_dir=tmp_path,
        rasa_replicas=2,
        workers=3,
        database_url="postgresql+psycopg://laborbot:secret@db.internal:5433/laborbot",
        redis_url="redis://cache.internal:6380/2",
    )
    by_name = {s.name: s for s in services(settings, Path("model.tar.gz"))}
    for name in ("rasa", "rasa-2"):
        service = by_name[name]
        assert service.cmd[service.cmd.index("--endpoints") + 1] == "deploy/k8s/rasa-endpoints.yml"
        assert {k: v for k, v in service.env.items() if k.startswith(("RASA_DB", "RASA_REDIS"))} == {
            "RASA_DB_HOST": "db.internal",
            "RASA_DB_PORT": "5433",
            "RASA_DB_NAME": "laborbot",
            "RASA_DB_USER": "laborbot",
            "RASA_DB_PASSWORD": "secret",
            "RASA_REDIS_HOST": "cache.internal",
            "RASA_REDIS_PORT": "6380",
            "RASA_REDIS_DB": "3",  # beside the app's keys
        }
    app = by_name["app"]
    assert app.cmd[app.cmd.index("--workers") + 1] == "3"
    assert app.env["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path / "metrics")  # the workers add up their counts


def test_a_service_that_keeps_dying_is_not_restarted_forever():
    budget = RestartBudget(times=3, window_s=60)
    assert [budget.allow("rasa-2") for _ in range(4)] == [True, True, True, False]
    assert budget.allow("actions")  # counted per service
