"""Routing rules an admin edits: category × region → agency service (FixMyStreet's contacts).

Plugins propose where a case should go; these rows let an administrator override or add to that
without a release: "in Qazvin, flooding reports go to the crisis service too". A rule matches a
case when its category (empty = any) equals the case's and every region column it sets matches
the case's neighbourhood; the most specific matching rule wins.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from hamyar.core.storage.models.types import UTCDateTime, utcnow

RULE_KINDS = ("primary", "joint", "referral")


class RoutingRule(SQLModel, table=True):
    __tablename__ = "routing_rule"

    id: int | None = Field(default=None, primary_key=True)
    category: str | None = Field(default=None, max_length=64, index=True)
    """The case category this rule is about; empty matches every category."""
    province_code: str | None = Field(default=None, max_length=64)
    county_code: str | None = Field(default=None, max_length=64)
    district: str | None = Field(default=None, max_length=64)
    """A municipal district code (`karaj-3`), as on `Neighbourhood.district`."""
    service_code: str = Field(foreign_key="service.code", max_length=128)
    kind: str = Field(default="primary", max_length=16)
    """primary: this service leads the case; joint: it gets a task of its own beside the lead;
    referral: it is offered a referral from the lead agency."""
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    active: bool = True
    created_by: str | None = Field(default=None, max_length=150)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)

    @property
    def specificity(self) -> int:
        """How many conditions the rule sets: a district rule beats a province-wide one."""
        return sum(
            v is not None
            for v in (self.category, self.province_code, self.county_code, self.district)
        )
