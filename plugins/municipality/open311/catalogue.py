"""The services Open311 offers: every public, non-confidential service of every agency.

A Hamyar service with several routing categories (the 137 report: lighting, waste, potholes…)
is offered as one Open311 service per category, `<service>.<category>`
(`municipality.report.roads_potholes`): 311 apps let citizens pick what is wrong from the
service list, and the category is what routing needs. Those offerings share their service's
title as `group`; a service with one category or none is offered under its own code, grouped
by agency. Confidential services (counselling, working children) are never listed, described
or accepted here, whatever code a client guesses: to Open311 they do not exist.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hamyar import (
    AgencySpec,
    Case,
    Registry,
    ServiceSpec,
    to_persian_digits,
)
from hamyar.plugins.municipality import categories as municipal
from hamyar.plugins.municipality.open311.attributes import service_attributes

CATEGORY_TITLES: dict[str, tuple[str, str]] = {
    **municipal.REPORT_CATEGORIES,
    **municipal.CRISIS_CATEGORIES,
    **municipal.PROGRAMME_CATEGORIES,
}
"""(fa, en) names of routing categories; the registry holds only their codes."""


@dataclass(frozen=True)
class Offering:
    """One entry of GET services: a service, or one category of a multi-category service."""

    spec: ServiceSpec
    category: str | None = None

    @property
    def code(self) -> str:
        return f"{self.spec.code}.{self.category}" if self.category else self.spec.code


def offered(spec: ServiceSpec) -> bool:
    return spec.public and not spec.confidential


def _split(spec: ServiceSpec) -> bool:
    return len(spec.categories) > 1


def offerings(registry: Registry) -> list[Offering]:
    found: list[Offering] = []
    for spec in registry.services.values():
        if offered(spec):
            found += (
                [Offering(spec, c) for c in spec.categories] if _split(spec) else [Offering(spec)]
            )
    return found


def find_offering(registry: Registry, code: str) -> Offering | None:
    """The offering with this Open311 service_code, if Open311 may show it."""
    spec = registry.services.get(code)
    if spec is not None:
        return Offering(spec) if offered(spec) and not _split(spec) else None
    service, _, category = code.rpartition(".")
    spec = registry.services.get(service)
    if spec is None or not offered(spec) or not _split(spec) or category not in spec.categories:
        return None
    return Offering(spec, category)


def code_of(case: Case, registry: Registry) -> str:
    """The Open311 service_code a case is shown under."""
    spec = registry.services.get(case.service_code)
    if spec is not None and _split(spec) and case.category in spec.categories:
        return f"{spec.code}.{case.category}"
    return case.service_code


def title(spec: ServiceSpec | AgencySpec, locale: str) -> str:
    return spec.title_en if locale == "en" and spec.title_en else spec.title_fa


def category_title(category: str, locale: str) -> str:
    fa, en = CATEGORY_TITLES.get(category, (category, category))
    return en if locale == "en" else fa


def offering_name(offering: Offering, locale: str) -> str:
    if offering.category:
        return category_title(offering.category, locale)
    return title(offering.spec, locale)


def _description(spec: ServiceSpec, locale: str) -> str | None:
    text = spec.description_en if locale == "en" else spec.description_fa
    return text or spec.description_fa or None


def service_entry(offering: Offering, registry: Registry, locale: str) -> dict[str, Any]:
    """One item of GET services, with the specification's field names."""
    spec = offering.spec
    agency = registry.agencies.get(spec.agency)
    if offering.category:
        group = title(spec, locale)
    else:
        group = title(agency, locale) if agency else spec.agency
    return {
        "service_code": offering.code,
        "service_name": offering_name(offering, locale),
        "description": _description(spec, locale),
        "metadata": bool(spec.form_schema().get("properties")),
        "type": "realtime",
        "keywords": ", ".join(spec.keywords) or None,
        "group": group,
    }


def service_definition(offering: Offering, locale: str) -> dict[str, Any]:
    """GET services/{code}: the service's form fields as Open311 attributes."""
    return {"service_code": offering.code, "attributes": service_attributes(offering.spec, locale)}


def service_notice(spec: ServiceSpec, locale: str) -> str | None:
    """What the citizen may expect: the service's SLA, in words."""
    if spec.sla_hours is not None:
        n = spec.sla_hours
        return (
            f"Handled within {n} hours."
            if locale == "en"
            else f"رسیدگی ظرف {to_persian_digits(n)} ساعت."
        )
    if spec.sla_days is not None:
        n = spec.sla_days
        return (
            f"Handled within {n} working days."
            if locale == "en"
            else f"رسیدگی ظرف {to_persian_digits(n)} روز کاری."
        )
    return None
