"""Async client for the Rasa server (127.0.0.1, token required): understanding a message, and running one
dialogue turn with what the app decided.

    parsed = await rasa.parse("老板欠我工资")                     # NLU only, stores nothing
    output = await rasa.turn("web:u1", masked_text, parse_data, {"decision": {...}, "facts": {...}})
"""

from __future__ import annotations

import itertools
import zlib
from dataclasses import dataclass, field

import httpx

FALLBACK_INTENT = "nlu_fallback"


class RasaUnavailable(RuntimeError):
    """Rasa did not answer; callers keep the worker's message and retry later."""


@dataclass
class ParseResult:
    text: str
    intent: str
    confidence: float
    entities: list[dict] = field(default_factory=list)
    ranking: list[dict] = field(default_factory=list)

    @classmethod
    def from_rasa(cls, payload: dict) -> ParseResult:
        intent = payload.get("intent") or {}
        name = intent.get("name") or FALLBACK_INTENT
        ranking = payload.get("intent_ranking") or []
        if name == FALLBACK_INTENT:
            # Keep the best real intent for routing; the answer itself says how sure it is.
            real = [r for r in ranking if r.get("name") != FALLBACK_INTENT]
            best = real[0] if real else {"name": "out_of_scope", "confidence": 0.0}
            name, confidence = best["name"], best.get("confidence", 0.0)
        else:
            confidence = intent.get("confidence", 0.0)
        entities = [
            {"entity": e["entity"], "value": e.get("value"), "start": e.get("start"), "end": e.get("end")}
            for e in payload.get("entities") or []
        ]
        return cls(payload.get("text", ""), name, float(confidence), entities, ranking)

    def rasa_parse_data(self, intent: str | None = None) -> dict:
        """What the app channel hands to Rasa instead of parsing again (``intent`` overrides the NLU's)."""
        return {
            "intent": {"name": intent or self.intent, "confidence": 1.0 if intent else self.confidence},
            "entities": self.entities,
            "intent_ranking": self.ranking,
        }


class RasaClient:
    """One or more Rasa replicas. A conversation's turns go to one replica chosen by its sender id, the next
    one if that one does not answer; parses (which store nothing) go round the replicas."""

    def __init__(self, base_urls: str | list[str], token: str, timeout_s: float = 10.0) -> None:
        urls = [base_urls] if isinstance(base_urls, str) else list(base_urls)
        self._replicas = [
            httpx.AsyncClient(
                base_url=url, timeout=timeout_s, params={"token": token}, headers={"Authorization": f"Bearer {token}"}
            )
            for url in urls
        ]
        self._next_parse = itertools.count()

    async def aclose(self) -> None:
        for replica in self._replicas:
            await replica.aclose()

    async def model_loaded(self) -> bool:
        """Every replica has loaded its model."""
        for replica in self._replicas:
            try:
                response = await replica.get("/status", timeout=2.0)
            except httpx.HTTPError:
                return False
            if response.status_code != 200 or not response.json().get("model_file"):
                return False
        return True

    async def parse(self, text: str) -> ParseResult:
        start = next(self._next_parse)
        response = await self._post(start, "/model/parse", {"text": text})
        return ParseResult.from_rasa(response.json())

    async def turn(self, sender_id: str, text: str, parse_data: dict, metadata: dict) -> list[dict]:
        """One dialogue turn through the app channel; returns the bot's messages (REST channel format)."""
        body = {"sender": sender_id, "text": text, "parse_data": parse_data, "metadata": metadata}
        # Another replica only when this one could not be reached: a turn it may have run is never run twice.
        home = zlib.crc32(sender_id.encode())
        response = await self._post(home, "/webhooks/app/webhook", body, move_on=(httpx.ConnectError,))
        return response.json()

    async def _post(
        self, start: int, path: str, body: dict, move_on: tuple[type[Exception], ...] = (httpx.HTTPError,)
    ) -> httpx.Response:
        """From replica ``start`` (mod their number) on, the first that answers; a failure other than
        ``move_on`` ends the search. RasaUnavailable when no replica answered."""
        for step in range(len(self._replicas)):
            replica = self._replicas[(start + step) % len(self._replicas)]
            try:
                response = await replica.post(path, json=body)
                response.raise_for_status()
                return response
            except move_on as exc:
                failure: Exception = exc
            except httpx.HTTPError as exc:
                raise RasaUnavailable(str(exc)) from exc
        raise RasaUnavailable(str(failure))
