"""Async client for the Rasa HTTP API (bound to 127.0.0.1 by the launcher)."""
from __future__ import annotations

from dataclasses import dataclass, field

import httpx


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
    def from_rasa(cls, payload: dict) -> "ParseResult":
        intent = payload.get("intent") or {}
        name = intent.get("name") or "nlu_fallback"
        ranking = payload.get("intent_ranking") or []
        if name == "nlu_fallback":
            # Keep the best real intent for routing; the low confidence itself drives escalation.
            real = [r for r in ranking if r.get("name") != "nlu_fallback"]
            best = real[0] if real else {"name": "out_of_scope", "confidence": 0.0}
            name, confidence = best["name"], best.get("confidence", 0.0)
        else:
            confidence = intent.get("confidence", 0.0)
        entities = [
            {
                "entity": e["entity"],
                "value": e.get("value"),
                "start": e.get("start"),
                "end": e.get("end"),
            }
            for e in payload.get("entities") or []
        ]
        return cls(payload.get("text", ""), name, float(confidence), entities, ranking)


class RasaClient:
    def __init__(self, base_url: str, timeout_s: float = 10.0) -> None:
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout_s)

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

    async def send_message(self, sender_id: str, text: str) -> list[dict]:
        """One dialogue turn through Rasa's REST channel; returns the bot's messages."""
        try:
            response = await self._http.post(
                "/webhooks/rest/webhook", json={"sender": sender_id, "message": text}
            )
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise RasaUnavailable(str(exc)) from exc
        return response.json()
