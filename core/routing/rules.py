"""Keeping the administrator's routing rules: category × region → agency service.

`hamyar.core.routing.router` reads the rules when it routes a case; this module is how a Manager
adds and
removes them (the `/admin/routing-rules` page). A rule is checked when it is written, so the
router never meets one it cannot follow: the service is registered by a plugin, the category
is one of that service's (when it declares any), and the region is a real province, county or
municipal district.

A region is named by a key: "" (everywhere), "alborz", "alborz/karaj" or
"alborz/karaj/karaj-3". The rule stores every level above the one chosen too, so a district
rule is more specific than its county's rule, which is more specific than its province's.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from hamyar.core.exceptions import InvalidInput, NotFound
from hamyar.core.geo import district_titles, district_titles_en
from hamyar.core.plugin.registry import Registry
from hamyar.core.storage.models import County, Neighbourhood, Province, RoutingRule, Service
from hamyar.core.storage.models.routing import RULE_KINDS
from hamyar.core.storage.reference_rows import reference
from hamyar.core.storage.registry_mirror import sync_registry
from hamyar.core.text.collation import sorted_by_name


@dataclass(frozen=True, slots=True)
class ActiveRule:
    """An active routing rule as the router follows it: a plain record, shared by every
    session of the process (`active_rules`)."""

    id: int
    category: str | None
    province_code: str | None
    county_code: str | None
    district: str | None
    service_code: str
    kind: str
    note: str

    @property
    def specificity(self) -> int:
        """How many conditions the rule sets: a district rule beats a province-wide one."""
        return sum(
            v is not None
            for v in (self.category, self.province_code, self.county_code, self.district)
        )


def _load_active(session: Session) -> tuple[ActiveRule, ...]:
    rows = session.exec(
        select(RoutingRule).where(col(RoutingRule.active)).order_by(col(RoutingRule.id))
    ).all()
    return tuple(
        ActiveRule(
            id=int(r.id or 0),
            category=r.category,
            province_code=r.province_code,
            county_code=r.county_code,
            district=r.district,
            service_code=r.service_code,
            kind=r.kind,
            note=r.note,
        )
        for r in rows
    )


def active_rules(session: Session) -> tuple[ActiveRule, ...]:
    """The active rules, oldest first. They are reference rows (`storage.reference_rows`): read
    once per process until any process of the machine adds, changes or removes one."""
    return reference.read(session, "routing_rules", _load_active)


MAX_NOTE = 500


@dataclass(frozen=True)
class Region:
    """A province, county or district a rule may be limited to."""

    key: str
    province_code: str | None = None
    county_code: str | None = None
    district: str | None = None
    name_fa: str = ""
    name_en: str = ""
    depth: int = 0
    """0 everywhere, 1 province, 2 county, 3 district: for indenting a list of regions."""


EVERYWHERE = Region(key="", name_fa="همه‌جا", name_en="Everywhere")


def regions(session: Session) -> list[Region]:
    """Every region a rule may name, each province followed by its counties and districts."""
    # Persian alphabetical order (the database's order puts پ چ ژ گ after ی)
    provinces = sorted_by_name(session.exec(select(Province)).all(), lambda p: p.name_fa)
    counties = sorted_by_name(session.exec(select(County)).all(), lambda c: c.name_fa)
    districts: dict[int, set[str]] = {}
    for county_id, district in session.exec(
        select(Neighbourhood.county_id, Neighbourhood.district).where(
            col(Neighbourhood.district).is_not(None)
        )
    ).all():
        districts.setdefault(county_id, set()).add(str(district))
    found = [EVERYWHERE]
    for province in provinces:
        found.append(
            Region(
                key=province.code,
                province_code=province.code,
                name_fa=province.name_fa,
                name_en=province.name_en,
                depth=1,
            )
        )
        for county in (c for c in counties if c.province_id == province.id):
            key = f"{province.code}/{county.code}"
            found.append(
                Region(
                    key=key,
                    province_code=province.code,
                    county_code=county.code,
                    name_fa=county.name_fa,
                    name_en=county.name_en,
                    depth=2,
                )
            )
            found.extend(
                Region(
                    key=f"{key}/{district}",
                    province_code=province.code,
                    county_code=county.code,
                    district=district,
                    name_fa=district_titles().get(district, f"{county.name_fa} · {district}"),
                    name_en=district_titles_en().get(district, f"{county.name_en} · {district}"),
                    depth=3,
                )
                for district in sorted(districts.get(county.id or 0, ()))
            )
    return found


def region_of(rule: RoutingRule) -> str:
    """The region key of a stored rule."""
    parts = [rule.province_code, rule.county_code, rule.district]
    return "/".join(p for p in parts if p is not None)


def _invalid(errors: list[dict[str, str]]) -> InvalidInput:
    first = errors[0]
    return InvalidInput(f"{first['field']}: {first['message']}", errors)


def check_rule(
    session: Session, registry: Registry, *, service: str, category: str, region: str, kind: str
) -> Region:
    """The rule's region, or InvalidInput naming every field that is wrong."""
    errors = []
    spec = registry.services.get(service)
    if not service:
        errors.append({"field": "service", "message": "choose a service"})
    elif spec is None:
        errors.append({"field": "service", "message": "unknown service"})
    elif category and spec.categories and category not in spec.categories:
        errors.append({"field": "category", "message": "not one of this service's categories"})
    found = next((r for r in regions(session) if r.key == region), None)
    if found is None:
        errors.append({"field": "region", "message": "unknown region"})
    if kind not in RULE_KINDS:
        errors.append({"field": "kind", "message": "primary, joint or referral"})
    if errors:
        raise _invalid(errors)
    assert found is not None
    return found


def add_rule(
    session: Session,
    registry: Registry,
    *,
    service: str,
    category: str = "",
    region: str = "",
    kind: str = "primary",
    note: str = "",
    created_by: str | None = None,
) -> RoutingRule:
    """A new active rule; the caller commits."""
    category, note = category.strip(), note.strip()
    where = check_rule(
        session, registry, service=service, category=category, region=region, kind=kind
    )
    if len(note) > MAX_NOTE:
        raise _invalid([{"field": "note", "message": "at most 500 characters"}])
    if session.get(Service, service) is None:
        sync_registry(session, registry)  # the plugins may be newer than the rows
    rule = RoutingRule(
        category=category or None,
        province_code=where.province_code,
        county_code=where.county_code,
        district=where.district,
        service_code=service,
        kind=kind,
        note=note,
        created_by=created_by,
    )
    session.add(rule)
    session.flush()
    return rule


def delete_rule(session: Session, rule_id: int) -> RoutingRule:
    rule = session.get(RoutingRule, rule_id)
    if rule is None:
        raise NotFound(f"no routing rule {rule_id}")
    session.delete(rule)
    session.flush()
    return rule


def list_rules(session: Session) -> list[RoutingRule]:
    """Every rule, most specific first (the order the router prefers them in)."""
    rows = session.exec(select(RoutingRule).order_by(col(RoutingRule.id))).all()
    return sorted(rows, key=lambda r: (-r.specificity, r.service_code, r.id or 0))
