"""All configuration in one place; every value can be overridden by a LABORBOT_* variable."""

import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit, urlunsplit

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LABORBOT_", env_file=".env", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8000

    # Everything the product writes at run time lives under var_dir (database, index, logs, models).
    var_dir: Path = PROJECT_ROOT / "var"
    index_dir: Path | None = None  # default: var_dir/index
    database_url: str = ""  # default: SQLite file in var_dir
    corpus_dir: Path = PROJECT_ROOT.parent / "shared" / "corpus"
    kb_docs_dir: Path = PROJECT_ROOT / "knowledge_base" / "documents"
    nlu_topics_dir: Path = PROJECT_ROOT / "nlu_data" / "topics"  # its words join the domain embedder's vocabulary
    # Staff edits from /admin (documents, FAQ cards, statute statuses) overlay the repo defaults above.
    kb_staff_dir: Path | None = None  # default: var_dir/kb_staff

    rasa_url: str = "http://127.0.0.1:5005"
    # Rasa servers on consecutive ports from rasa_url's. A conversation's turns always go to the same one (its
    # tracker and lock live there with the embedded SQLite); parses go to any. With PostgreSQL trackers and
    # Redis locks (deploy/k8s) any replica can serve any turn.
    rasa_replicas: int = Field(default=1, ge=1, le=16)
    # App worker processes behind the one port; more than one needs what they share: PostgreSQL is
    # recommended (SQLite serialises their writes) and LABORBOT_REDIS_URL (rate limits, live replies, signals).
    workers: int = Field(default=1, ge=1, le=32)
    rasa_timeout_s: float = 10.0
    action_server_port: int = 5055

    secret_key: str = ""  # default: generated once and kept in var_dir/secret_key
    access_token_minutes: int = 8 * 60
    max_message_chars: int = 2000
    max_body_bytes: int = 256 * 1024
    # Rasa's HTTP API and the app's input channel require this token (only the app may read trackers or
    # run turns); default: generated in var_dir.
    rasa_token: str = ""
    console_secure_cookies: bool = False  # set true when the console is served over HTTPS

    # WeChat Official Account (CONTRACT.md §4). Safe mode needs aes_key and appid; pushes need app_secret.
    wechat_token: str = ""
    wechat_aes_key: str = ""
    wechat_appid: str = ""
    wechat_app_secret: str = ""
    wechat_api_base: str = "https://api.weixin.qq.com"
    wechat_reply_budget_s: float = 4.0  # WeChat waits 5 s for a passive reply
    wechat_max_clock_skew_s: int = 300  # older signed requests are replays
    wechat_max_body_bytes: int = 64 * 1024
    chat_rate_limit_per_min: int = 10  # messages per visitor (web chat) or openid (WeChat)
    chat_ip_rate_limit_per_min: int = 60  # web-chat messages per address: a new cookie is not a new person
    log_format: Literal["text", "json"] = "text"  # json: one object per line, for a log collector
    # /metrics (Prometheus): open on the loopback address the app binds to by default; set a token when the
    # app is reachable from elsewhere, and give the scraper `Authorization: Bearer <token>`.
    metrics_token: str = ""
    # Redis for what several app workers share (rate limits, …); empty: kept in this process.
    redis_url: str = ""

    @model_validator(mode="after")
    def _derived_defaults(self) -> "Settings":
        if self.index_dir is None:
            self.index_dir = self.var_dir / "index"
        if self.kb_staff_dir is None:
            self.kb_staff_dir = self.var_dir / "kb_staff"
        return self

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.var_dir / 'laborbot.db'}"

    @property
    def rasa_urls(self) -> list[str]:
        parts = urlsplit(self.rasa_url)
        port = parts.port or 5005
        return [
            urlunsplit(parts._replace(netloc=f"{parts.hostname}:{port + i}")).rstrip("/")
            for i in range(self.rasa_replicas)
        ]

    @property
    def log_dir(self) -> Path:
        return self.var_dir / "log"

    def resolved_secret_key(self) -> str:
        return self.secret_key or _persistent_secret(self.var_dir / "secret_key")

    def resolved_rasa_token(self) -> str:
        return self.rasa_token or _persistent_secret(self.var_dir / "rasa_token")


def _persistent_secret(path: Path) -> str:
    """A random secret generated on first use and kept (mode 600) so restarts keep sessions valid."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(secrets.token_urlsafe(48))
        tmp.chmod(0o600)
        os.replace(tmp, path)
    return path.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
