"""The achievements report as a spreadsheet: CSV that Excel opens with its Persian intact.

Excel reads a CSV file as the machine's legacy code page unless it starts with a UTF-8
byte-order mark, so the file begins with one. Headers and labels are in the reader's language;
numbers stay in ASCII digits so the spreadsheet can add them up, and the last row is the total.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from hamyar.core.cases.reports import GROUP_NOUNS, NUMBERS, ReportRow, totals
from hamyar.core.i18n import gettext, localized

HEADERS = {
    "count": "Cases",
    "resolved": "Resolved",
    "rejected": "Rejected",
    "duplicate": "Duplicates",
    "open": "Open",
    "overdue": "Overdue",
    "sla_met": "Resolved within the deadline",
    "sla_missed": "Deadline missed",
}
"""Column → its header's catalogue entry."""


def _percent(share: float | None) -> str:
    return "" if share is None else f"{share * 100:.1f}"


def to_csv(rows: list[ReportRow], *, group_by: str, locale: str) -> str:
    """The rows, then their total, with a byte-order mark and headers in `locale`."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            gettext(locale, "Code"),
            gettext(locale, GROUP_NOUNS.get(group_by, group_by)),
            *(gettext(locale, HEADERS[name]) for name in NUMBERS),
            gettext(locale, "SLA compliance (%)"),
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.key or "",
                localized(locale, row.label, row.label_en),
                *(getattr(row, name) for name in NUMBERS),
                _percent(row.sla_compliance),
            ]
        )
    total: dict[str, Any] = totals(rows)
    writer.writerow(
        [
            "",
            gettext(locale, "Total"),
            *(total[name] for name in NUMBERS),
            _percent(total["sla_compliance"]),
        ]
    )
    return "\ufeff" + out.getvalue()
