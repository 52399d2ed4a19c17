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


def include_channels(app: FastAPI) -> None:
    app.include_router(wechat_router.router)
    app.include_router(webchat_router.router)
    app.mount("/static/webchat", StaticFiles(directory=STATIC_DIR), name="webchat-static")


async def start_channels(app: FastAPI) -> None:
    """Needs app.state.conversation (the ConversationService), app.state.rasa and app.state.kb (readiness)."""
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
        settings.wechat_reply_budget_s,
        settings.max_message_chars,
    )
    app.state.wechat_client = client
    app.state.wechat_sender = asyncio.create_task(sender.run())
    # Before this process takes any message: what is still "processing" was cut short by a crash.
    app.state.wechat.recover(await asyncio.to_thread(store.interrupted), partial(ready, app))
    conversation.register_channel(WECHAT_CHANNEL, app.state.wechat.push)

    hub = LiveHub()
    app.state.webchat_hub = hub

    async def push_to_browser(user_id: str, _outgoing: Outgoing) -> None:
        # The message is already stored; open tabs fetch it from the history on this signal.
        hub.publish(user_id, {"escalated": await asyncio.to_thread(escalated, sessions, user_id)})

    conversation.register_channel(WEB_CHANNEL, push_to_browser)


async def stop_channels(app: FastAPI) -> None:
    await app.state.wechat.drain(SHUTDOWN_DRAIN_S)
    app.state.wechat_sender.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await app.state.wechat_sender
    await app.state.wechat_client.aclose()
