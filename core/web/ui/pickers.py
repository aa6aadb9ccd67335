"""The order of the names people pick from: services, grouped by agency, in Persian order.

A dropdown sorted by code or by the database (Unicode order) puts پ چ ژ گ after ی and groups
services by the agency's code; every picker of services asks here instead, in the reader's
language (`hamyar.core.text.collation`).
"""

from __future__ import annotations

from hamyar.core.i18n import localized
from hamyar.core.plugin.declarations import ServiceSpec
from hamyar.core.plugin.registry import Registry
from hamyar.core.text.collation import sort_key, sorted_by_name


def service_groups(registry: Registry, locale: str) -> list[tuple[str, list[ServiceSpec]]]:
    """(agency title, its services) per agency with services, both in alphabetical order."""
    groups = []
    for agency in registry.agencies.values():
        services = sorted_by_name(
            registry.services_of(agency.code), lambda s: localized(locale, s.title_fa, s.title_en)
        )
        if services:
            groups.append((localized(locale, agency.title_fa, agency.title_en), services))
    return sorted_by_name(groups, lambda group: group[0])


def services_in_order(registry: Registry, locale: str) -> list[ServiceSpec]:
    """Every service, by its agency's title and then its own, in alphabetical order."""
    agencies = registry.agencies

    def key(spec: ServiceSpec) -> tuple[object, ...]:
        agency = agencies.get(spec.agency)
        title = localized(locale, agency.title_fa, agency.title_en) if agency else spec.agency
        return sort_key(title), sort_key(localized(locale, spec.title_fa, spec.title_en))

    return sorted(registry.services.values(), key=key)


__all__ = ["service_groups", "services_in_order"]
