"""The demo's routing rules: an administrator's category × region decisions, keyed naturally."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import RoutingRule

DEMO_RULES: tuple[dict[str, Any], ...] = (
    {
        "category": "cultural",
        "province_code": "alborz",
        "service_code": "library.reading_workshop",
        "kind": "joint",
        "note": "همکاری کانون البرز با سازمان فرهنگی، اجتماعی و ورزشی شهرداری",
    },
    {
        "category": "other",
        "county_code": "hamedan",
        "service_code": "municipality.report",
        "kind": "primary",
        "note": "مرکز پاسخگویی ۱۳۷ شهرداری همدان موارد متفرقه را بررسی می‌کند",
    },
    {
        "category": "water_flooding",
        "province_code": "qazvin",
        "service_code": "municipality.crisis",
        "kind": "joint",
        "note": "در قزوین آب‌گرفتگی معابر به ستاد مدیریت بحران هم اعلام می‌شود",
    },
)


def add_rules(session: Session, registry: Registry) -> int:
    """Add the rules not yet present whose service is installed; return how many were added."""
    keys = ("category", "province_code", "county_code", "district", "service_code", "kind")
    existing = {tuple(getattr(r, k) for k in keys) for r in session.exec(select(RoutingRule)).all()}
    added = 0
    for spec in DEMO_RULES:
        row = RoutingRule(created_by="admin", **spec)
        if (
            spec["service_code"] not in registry.services
            or tuple(getattr(row, k) for k in keys) in existing
        ):
            continue
        session.add(row)
        added += 1
    session.flush()
    return added
