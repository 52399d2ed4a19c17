"""What the worker reads in WeChat: bot and lawyer messages rendered as plain text.

Buttons become WeChat menu links (weixin://bizmsgmenu): tapping one sends its title back as a message,
which the conversation matches to the button's payload. Citations become one line of article titles
(the full text is on the web chat's cards). Hotline numbers in the text are tappable in WeChat as they are.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.conversation.outgoing import Outgoing
from knowledge_base.answer import book_title
from phrasebook import say

# WeChat limits a text message to 2048 bytes; stay a little below.
MAX_BYTES = 2000


def welcome() -> str:
    return say("wechat.welcome")


def render_texts(replies: Iterable[Outgoing]) -> list[str]:
    """All replies of one turn joined, split into WeChat-sized messages."""
    blocks = [_render(reply) for reply in replies]
    return _split("\n\n".join(block for block in blocks if block))


def _render(reply: Outgoing) -> str:
    parts = [say("dialogue.lawyer_prefix") + reply.text if reply.author == "lawyer" else reply.text]
    if reply.citations:
        cited = "、".join(f"{book_title(str(c.get('law', '')))}第{c.get('article', '')}条" for c in reply.citations)
        parts.append(say("wechat.citations", articles=cited))
    if reply.buttons:
        parts.append(" ".join(_menu_link(i, b.get("title", "")) for i, b in enumerate(reply.buttons, 1)))
    return "\n".join(part.strip() for part in parts if part and part.strip())


def _menu_link(menu_id: int, title: str) -> str:
    content = title.replace("&", "和").replace('"', "").replace("<", "").replace(">", "")
    return f'<a href="weixin://bizmsgmenu?msgmenucontent={content}&msgmenuid={menu_id}">{content}</a>'


def _split(text: str) -> list[str]:
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while len(line.encode()) > MAX_BYTES:  # a single huge line: cut by characters
            head, line = _cut(line)
            chunks, current = _flush(chunks, current), head
        if len((current + line).encode()) > MAX_BYTES:
            chunks, current = _flush(chunks, current), ""
        current += line
    return _flush(chunks, current)


def _cut(line: str) -> tuple[str, str]:
    size = 0
    for i, ch in enumerate(line):
        size += len(ch.encode())
        if size > MAX_BYTES:
            return line[:i], line[i:]
    return line, ""


def _flush(chunks: list[str], current: str) -> list[str]:
    return chunks + [current.strip()] if current.strip() else chunks
