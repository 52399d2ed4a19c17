"""What the worker reads in WeChat: bot and lawyer messages rendered as plain text."""
from __future__ import annotations

from collections.abc import Iterable

from api.conversation.service import Outgoing

TOPICS = ("工资拖欠", "加班费", "辞退补偿", "工伤", "社保", "转人工")
WELCOME = (
    "您好，欢迎关注！这里是工会职工法律服务助手，可以解答劳动法律问题、帮您算加班费和经济补偿，"
    "需要时为您转接工会律师。\n\n直接输入您的问题即可，也可以回复下面的话题：\n"
    + "\n".join(f"· {topic}" for topic in TOPICS)
)
UNSUPPORTED = "抱歉，目前只能看懂文字和语音消息。请用文字简单描述您遇到的问题，我们来帮您。"
VOICE_UNRECOGNIZED = "抱歉，没能听清这段语音。请再说一遍，或者直接打字告诉我们您的问题。"
SORRY = "抱歉，系统暂时有点忙，请稍后再发一次您的问题。"
LAWYER_PREFIX = "【工会律师回复】"
# WeChat limits a text message to 2048 bytes; stay a little below.
MAX_BYTES = 2000


def render_texts(replies: Iterable[Outgoing]) -> list[str]:
    """All replies of one turn joined, split into WeChat-sized messages."""
    blocks = [_render(reply) for reply in replies]
    return _split("\n\n".join(block for block in blocks if block))


def _render(reply: Outgoing) -> str:
    parts = [f"{LAWYER_PREFIX}{reply.text}" if reply.author == "lawyer" else reply.text]
    if reply.citations:
        cited = "、".join(f"《{c.get('law', '')}》第{c.get('article', '')}条" for c in reply.citations)
        parts.append(f"法律依据：{cited}")
    if reply.buttons:
        parts.append("您可以回复：" + "、".join(b.get("title", "") for b in reply.buttons))
    return "\n".join(part.strip() for part in parts if part and part.strip())


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
