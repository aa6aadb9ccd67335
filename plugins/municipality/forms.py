"""Municipality forms: a 137 report, a crisis call, a neighbourhood programme request.

Titles are Persian; `description` and `title_en` carry the English (see `hamyar.core.plugin.forms`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from hamyar import expected_attendees, form_config, labelled


class ReportForm(BaseModel):
    model_config = form_config("گزارش شهروندی سامانه ۱۳۷", "137 report")

    address: str = labelled(
        "نشانی دقیق", "Address", "Street address or landmark", default="", max_length=300
    )
    landmark: str = labelled(
        "نشانه نزدیک", "Landmark", "Nearby landmark", default="", max_length=200
    )
    hazard: bool = labelled(
        "خطر برای عابران یا خودروها", "Hazard", "A danger to people or vehicles", default=False
    )


class CrisisForm(BaseModel):
    model_config = form_config("اعلام حادثه به مدیریت بحران", "Crisis report")

    address: str = labelled("نشانی", "Address", min_length=3, max_length=300)
    people_at_risk: int = labelled(
        "تعداد افراد در معرض خطر", "People at risk", default=0, ge=0, le=100_000
    )
    blocked_road: bool = labelled("مسدود شدن معبر", "Road blocked", default=False)


class ProgrammeForm(BaseModel):
    model_config = form_config(
        "درخواست برنامه فرهنگی و ورزشی محله", "Neighbourhood cultural or sports programme"
    )

    audience: Literal["children", "teenagers", "women", "families", "elderly"] = labelled(
        "مخاطبان", "Audience"
    )
    expected_attendees: int = expected_attendees(ge=10, le=10_000)
    venue: str = labelled(
        "محل برگزاری", "Venue", "Venue (park, mosque, school yard)", default="", max_length=200
    )
