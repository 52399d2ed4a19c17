"""Wire the channels into the app: routes, static files, ConversationService deliveries, the outbox loop."""

from __future__ import annotations

import asyncio
import contextlib
from functools import partial
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.channels.webchat import router as webchat_router
from api.channels.webchat.history import CHANNEL as WEB_CHANNEL
from api.channels.webchat.history import escalated
from api.channels.webchat.live import LiveHub
from api.channels.wechat import router as wechat_router
from api.channels.wechat.channel import CHANNEL as WECHAT_CHANNEL
from api.channels.wechat.channel import WechatChannel
from api.channels.wechat.cs_client import CustomerServiceClient
from api.channels.wechat.outbox import OutboxSender
from api.channels.wechat.protocol import WechatProtocol
from api.channels.wechat.store import WechatStore
from api.conversation.outgoing import Outgoing
from api.core.readiness import ready

STATIC_DIR = Path(__file__).resolve().parents[1] / "static" / "webchat"
SHUTDOWN_DRAIN_S = 5.0
LIVE_SIGNAL = "live"


def include_channels(app: FastAPI) -> None:
    app.include_router(wechat_router.router)
    app.include_router(webchat_router.router)
    app.mount("/static/webchat", StaticFiles(directory=STATIC_DIR), name="webchat-static")


async def start_channels(app: FastAPI) -> None:
    """Needs app.state.conversation (the ConversationService), app.state.rasa, app.state.kb (readiness) and
    app.state.signals (not yet started)."""
    settings, conversation, sessions = app.state.settings, app.state.conversation, app.state.sessions

    store = WechatStore(sessions)
    client = CustomerServiceClient(settings.wechat_api_base, settings.wechat_appid, settings.wechat_app_secret)
    sender = OutboxSender(store, client)
    app.state.wechat_protocol = WechatProtocol(settings)
    app.state.wechat = WechatChannel(
        conversation,
        store,
        sender,
        app.state.limits,
        settings.chat_rate_limit_per_min,
        settings.max_message_chars,
    )
    app.state.wechat_client = client
    app.state.wechat_sender = asyncio.create_task(sender.run())
    app.state.wechat_leases = app.state.wechat.start(partial(ready, app))
    conversation.register_channel(WECHAT_CHANNEL, app.state.wechat.push)

    hub = LiveHub()
    app.state.webchat_hub = hub
    # The visitor's live stream may be held by another worker: the "live" signal reaches every worker.
    app.state.signals.on(LIVE_SIGNAL, lambda message: hub.publish(message["user"], message["event"]))

    async def push_to_browser(user_id: str, _outgoing: Outgoing) -> None:
        # The message is already stored; open tabs fetch it from the history on this signal.
        event = {"escalated": await asyncio.to_thread(escalated, sessions, user_id)}
        await app.state.signals.publish(LIVE_SIGNAL, {"user": user_id, "event": event})

    conversation.register_channel(WEB_CHANNEL, push_to_browser)


async def stop_channels(app: FastAPI) -> None:
    await app.state.wechat.drain(SHUTDOWN_DRAIN_S)
    for task in (app.state.wechat_sender, app.state.wechat_leases):
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    await app.state.wechat_client.aclose()
