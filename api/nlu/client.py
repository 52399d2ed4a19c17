"""Async client for the Rasa server (127.0.0.1, token required): understanding a message, and running one
dialogue turn with what the app decided.

    parsed = await rasa.parse("老板欠我工资")                     # NLU only, stores nothing
    output = await rasa.turn("web:u1", masked_text, parse_data, {"decision": {...}, "facts": {...}})
"""

from __future__ import annotations

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
    def __init__(self, base_url: str, token: str, timeout_s: float = 10.0) -> None:
        self._http = httpx.AsyncClient(
            base_url=base_url, timeout=timeout_s, params={"token": token}, headers={"Authorization": f"Bearer {token}"}
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    async def model_loaded(self) -> bool:
        try:
            response = await self._http.get("/status", timeout=2.0)
        except httpx.HTTPError:
            return False
        return response.status_code == 200 and bool(response.json().get("model_file"))

    async def parse(self, text: str) -> ParseResult:
        try:
            response = await self._http.post("/model/parse", json={"text": text})
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        return ParseResult.from_rasa(response.json())

    async def turn(self, sender_id: str, text: str, parse_data: dict, metadata: dict) -> list[dict]:
        """One dialogue turn through the app channel; returns the bot's messages (REST channel format)."""
        try:
            response = await self._http.post(
                "/webhooks/app/webhook",
                json={"sender": sender_id, "text": text, "parse_data": parse_data, "metadata": metadata},
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        return response.json()
