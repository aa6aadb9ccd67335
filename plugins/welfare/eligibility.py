"""Who qualifies for a welfare programme, decided from the case's form.

The thresholds are the programme's published rules, kept here as data so a welfare office can
read them: the household-empowerment programme is for female-headed households under the
poverty line; Partow centres enrol school-age working children. Anything else goes to a
supervisor, who may approve an exception with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

POVERTY_LINE_PER_PERSON_TOMAN = 3_000_000
"""Monthly income per household member under which a household qualifies (1403 estimate)."""
PARTOW_AGES = range(6, 18)


@dataclass(frozen=True)
class Decision:
    eligible: bool
    reason: str


def decide(service_code: str, data: dict[str, Any]) -> Decision:
    if service_code == "welfare.household_empowerment":
        if not data.get("female_head"):
            return Decision(False, "سرپرست خانوار زن نیست؛ بررسی استثنا با سرپرست")
        size = max(int(data.get("household_size", 1)), 1)
        income = int(data.get("monthly_income_toman", 0))
        line = POVERTY_LINE_PER_PERSON_TOMAN * size
        if income > line:
            return Decision(
                False, f"درآمد خانوار ({income:,} تومان) بیش از خط فقر ({line:,} تومان)"
            )
        return Decision(
            True, f"زن سرپرست خانوار، درآمد زیر خط فقر ({line:,} تومان برای {size} نفر)"
        )
    if service_code == "welfare.working_children":
        age = int(data.get("child_age", 0))
        if age not in PARTOW_AGES:
            return Decision(False, f"سن {age} سال خارج از بازه پذیرش مراکز پرتو (۶ تا ۱۷ سال)")
        return Decision(True, f"کودک {age} ساله، قابل ثبت‌نام در مرکز پرتو")
    return Decision(True, "این برنامه شرط استحقاق ندارد")
