"""Open311 settings, from the environment like the rest of Hamyar (`HAMYAR_OPEN311_…`)."""

from __future__ import annotations

from functools import cache

from pydantic_settings import BaseSettings, SettingsConfigDict


class Open311Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="HAMYAR_OPEN311_", env_file=".env", extra="ignore")

    jurisdiction_id: str = "hamyar"
    """The one jurisdiction this endpoint serves; requests naming another get a 404."""
    contact: str = "سامانه ۱۳۷ شهرداری — 137"
    key_service: str = "کلید API را از مدیر سامانه بگیرید (hamyar open311 add-client)."
    changeset: str = "2024-01-01T00:00:00Z"
    """When the service list last changed in a way clients must notice (discovery)."""


@cache
def get_open311_settings() -> Open311Settings:
    return Open311Settings()
