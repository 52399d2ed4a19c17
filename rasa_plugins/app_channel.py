"""The input channel of the web app: one dialogue turn whose understanding and answer the app decided.

The app sends, for one worker message:

    POST /webhooks/app/webhook   Authorization: Bearer <LABORBOT_RASA_TOKEN>
    {"sender": "web:u1", "text": "<masked text>", "parse_data": {intent, entities, intent_ranking},
     "metadata": {"decision": {...what to say...}, "facts": {...}}}

Rasa does not parse the text again (``parse_data`` is used as is); its policies pick the next actions
(rules, forms, slots), and the custom actions say what the app decided or run a form. The reply is the
list of bot messages, as Rasa's REST channel returns it. The tracker only ever holds masked text.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

TOKEN_ENV = "LABORBOT_RASA_TOKEN"


class AppInputChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "app"

    def __init__(self, token: str | None = None) -> None:
        self.token = token if token is not None else os.environ.get(TOKEN_ENV, "")
        if not self.token:
            raise ValueError(f"{TOKEN_ENV} is not set: the app channel refuses to run without a token")

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> AppInputChannel:
        return cls()

    def _authorised(self, request: Request) -> bool:
        scheme, _, token = (request.headers.get("authorization") or "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.encode(), self.token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("app_webhook", __name__)

        @hook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @hook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self._authorised(request):
                return response.json({"error": "unauthorised"}, status=401)
            body = request.json or {}
            sender, parse_data = body.get("sender"), body.get("parse_data")
            if not isinstance(sender, str) or not isinstance(parse_data, dict) or "intent" not in parse_data:
                return response.json({"error": "sender and parse_data are required"}, status=400)
            text = str(body.get("text") or "")
            parse_data = {"text": text, "entities": [], "intent_ranking": [], **parse_data}
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    parse_data=parse_data,
                    input_channel=self.name(),
                    metadata=body.get("metadata") or {},
                )
            )
            return response.json(collector.messages)

        return hook
