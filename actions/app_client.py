"""HTTP client for the web app's internal API (answers, cases, feedback).

The action server never talks to the database or the knowledge base itself: the app owns them. If the
app is down, callers get AppUnavailable and tell the worker so in plain words instead of going silent.
"""
from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Dict, Optional

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_S = 8.0


class AppUnavailable(RuntimeError):
    """The app did not answer in time or answered with an error."""


class AppClient:
    def __init__(self, base_url: Optional[str] = None, token: Optional[str] = None,
                 timeout_s: float = DEFAULT_TIMEOUT_S) -> None:
        self.base_url = (base_url or os.environ.get("LABORBOT_APP_URL", "http://127.0.0.1:8000")).rstrip("/")
        self.token = token if token is not None else os.environ.get("LABORBOT_INTERNAL_TOKEN", "")
        self.timeout = aiohttp.ClientTimeout(total=timeout_s)

    async def _post(self, path: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        try:
            async with aiohttp.ClientSession(timeout=self.timeout) as session:
                async with session.post(self.base_url + path, json=payload, headers=headers) as response:
                    if response.status >= 400:
                        raise AppUnavailable(f"{path}: HTTP {response.status}")
                    return await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
            logger.warning("app call %s failed: %s", path, exc)
            raise AppUnavailable(f"{path}: {exc}") from exc

    async def reply(self, sender_id: str, text: str, intent: str, confidence: float,
                    entities: list) -> Dict[str, Any]:
        return await self._post("/internal/v1/reply", {
            "sender_id": sender_id, "text": text, "intent": intent, "confidence": confidence,
            "entities": entities,
        })

    async def open_case(self, **fields: Any) -> Dict[str, Any]:
        return await self._post("/internal/v1/cases", fields)

    async def feedback(self, sender_id: str, score: int, about: str = "answer",
                       comment: Optional[str] = None) -> Dict[str, Any]:
        payload: Dict[str, Any] = {"sender_id": sender_id, "score": score, "about": about}
        if comment:
            payload["comment"] = comment
        return await self._post("/internal/v1/feedback", payload)
