"""Logging to var/log with workers' phone and ID numbers masked in every record, uvicorn's own lines
included, and WeChat's signed query parameters left out of access-log lines. Every line carries the id of
the request it was written for; `LABORBOT_LOG_FORMAT=json` writes one JSON object per line for a log
collector instead of text."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from urllib.parse import unquote

from pythonjsonlogger.json import JsonFormatter

from api.core.request_id import RequestIdFilter
from nlu.language import mask_pii

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s]: %(message)s"
JSON_FIELDS = ["asctime", "levelname", "name", "request_id", "message"]

# A captured signed query string could be replayed within WeChat's time window: never log its values.
_SIGNED_PARAMS = re.compile(r"([?&](?:signature|msg_signature|nonce|timestamp|echostr|openid|token)=)[^&\s\"]*")


def scrub(text: str) -> str:
    return _SIGNED_PARAMS.sub(r"\1…", mask_pii(text))


class MaskPiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = scrub(record.getMessage())
        record.args = ()
        return True


class AccessLogFilter(logging.Filter):
    """uvicorn's access lines keep their arguments (its formatter needs them); the path is scrubbed."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) == 5:
            client, method, path, version, status = record.args
            record.args = (client, method, scrub(unquote(str(path))), version, status)
        return True


def configure_logging(log_dir: Path, name: str = "app", json_lines: bool = False) -> None:
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / f"{name}.log", encoding="utf-8")
    handler.setFormatter(
        JsonFormatter(JSON_FIELDS, json_ensure_ascii=False) if json_lines else logging.Formatter(TEXT_FORMAT)
    )
    handler.addFilter(MaskPiiFilter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # httpx logs every request URL at INFO, and Rasa only accepts its token as a query parameter.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        root.addHandler(handler)
    # uvicorn's loggers write to their own stream handlers: filter the records at the logger.
    for logger, kind in (
        (logging.getLogger("uvicorn.access"), AccessLogFilter),
        (logging.getLogger("uvicorn.error"), MaskPiiFilter),
    ):
        if not any(isinstance(f, kind) for f in logger.filters):
            logger.addFilter(kind())
