"""Logging to var/log with workers' phone and ID numbers masked in every record."""
from __future__ import annotations

import logging
from pathlib import Path

from nlu.zh_parse import mask_pii


class MaskPiiFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_pii(record.getMessage())
        record.args = ()
        return True


def configure_logging(log_dir: Path, name: str = "app") -> None:
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(log_dir / f"{name}.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(MaskPiiFilter())
    root = logging.getLogger()
    root.setLevel(logging.INFO)
    # httpx logs every request URL at INFO, and Rasa only accepts its token as a query parameter.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    if not any(isinstance(h, logging.FileHandler) for h in root.handlers):
        root.addHandler(handler)
