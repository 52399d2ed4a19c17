"""A message for a worker, as every channel delivers it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


@dataclass
class Outgoing:
    text: str
    author: str = "bot"  # bot | lawyer | system
    citations: list[dict] = field(default_factory=list)
    buttons: list[dict] = field(default_factory=list)  # {title, payload}

    def payload(self) -> dict:
        return {key: value for key, value in (("citations", self.citations), ("buttons", self.buttons)) if value}


# Store a message for the worker and push it through their channel: (channel, user id, message, case id).
Deliver = Callable[[str, str, Outgoing, "int | None"], Awaitable[bool]]
