from datetime import datetime, timedelta, timezone

import jwt
import pytest

from api.core.settings import Settings
from api.users.security import create_access_token, decode_access_token, hash_password, verify_password


def test_passwords_are_argon2_hashed_and_verified():
    hashed = hash_password("correct horse battery")
    assert hashed.startswith("$argon2") and "correct" not in hashed
    assert verify_password("correct horse battery", hashed)
    assert not verify_password("wrong", hashed)
    assert not verify_password("anything", None)
    assert not verify_password("x", "not-a-hash")


def test_token_round_trip_and_expiry(tmp_path):
    settings = Settings(var_dir=tmp_path, secret_key="k" * 40)
    claims = decode_access_token(settings, create_access_token(settings, "li", "lawyer"))
    assert claims["sub"] == "li" and claims["role"] == "lawyer"
    expired = jwt.encode(
        {"sub": "li", "exp": datetime.now(timezone.utc) - timedelta(seconds=1)}, "k" * 40, algorithm="HS256"
    )
    with pytest.raises(jwt.ExpiredSignatureError):
        decode_access_token(settings, expired)
    with pytest.raises(jwt.InvalidSignatureError):
        decode_access_token(Settings(var_dir=tmp_path, secret_key="z" * 40), create_access_token(settings, "li", "x"))


def test_generated_secret_persists_across_restarts(tmp_path):
    first = Settings(var_dir=tmp_path).resolved_secret_key()
    assert len(first) >= 40 and Settings(var_dir=tmp_path).resolved_secret_key() == first
    assert oct((tmp_path / "secret_key").stat().st_mode)[-3:] == "600"


def test_access_log_lines_are_masked_and_signed_parameters_left_out():
    import logging

    from uvicorn.logging import AccessFormatter

    from api.core.logging import AccessLogFilter

    path = "/admin/preview?q=%E6%88%91%E7%94%B5%E8%AF%9D139.5555.1313&x=1"
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        "",
        0,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", path, "1.1", 200),
        None,
    )
    assert AccessLogFilter().filter(record)
    line = AccessFormatter('%(client_addr)s - "%(request_line)s" %(status_code)s', use_colors=False).format(record)
    assert "我电话139.****.1313" in line and "5555" not in line

    signed = "/wechat?signature=abc123&timestamp=1700000000&nonce=42&openid=oXYZ&encrypt_type=aes"
    record.args = ("127.0.0.1:5000", "POST", signed, "1.1", 200)
    AccessLogFilter().filter(record)
    assert record.args[2] == "/wechat?signature=…&timestamp=…&nonce=…&openid=…&encrypt_type=aes"
