"""Security headers on every response: no framing (clickjacking), no MIME sniffing, no referrer to other
sites, and a content security policy that allows only the product's own scripts, styles and connections
(every page loads its JS and CSS from /static; none is inline)."""

from __future__ import annotations

from starlette.types import Receive, Scope, Send

from api.core.asgi import HttpMiddleware, sending_headers

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
HEADERS = [
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
]
API_DOCS = ("/docs", "/redoc")  # FastAPI's interactive docs load their scripts from a CDN: no CSP there


class SecurityHeaders(HttpMiddleware):
    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        extra = HEADERS + ([] if scope["path"].startswith(API_DOCS) else [(b"content-security-policy", CSP.encode())])
        await self.app(scope, receive, sending_headers(send, extra))
