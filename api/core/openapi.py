"""The error answers each route documents in the OpenAPI spec (tests/web/test_openapi_fuzz.py checks that
every status code the app sends is documented)."""

from __future__ import annotations

DESCRIPTIONS = {
    400: "请求格式不对（如微信消息无法解密）",
    401: "未登录或凭据错误",
    403: "无权访问或签名不对",
    404: "没有这个资源或功能未启用",
    413: "请求内容过大",
    422: "参数缺失或不合法",
    429: "请求太频繁，请稍后再试",
    503: "服务尚未就绪",
}


def errors(*codes: int) -> dict[int, dict[str, str]]:
    return {code: {"description": DESCRIPTIONS[code]} for code in codes}
