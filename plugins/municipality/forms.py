"""Municipality forms: a 137 report, a crisis call, a neighbourhood programme request.

Every title, hint and choice is given in Persian and English (see `hamyar.labelled`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from hamyar import JalaliDate, expected_attendees, form_config, labelled

AUDIENCES = {
    "children": ("کودکان", "Children"),
    "teenagers": ("نوجوانان", "Teenagers"),
    "women": ("بانوان", "Women"),
    "families": ("خانواده‌ها", "Families"),
    "elderly": ("سالمندان", "Older people"),
}


class ReportForm(BaseModel):
    model_config = form_config("گزارش شهروندی سامانه ۱۳۷", "137 report")

    address: str = labelled(
        "نشانی دقیق",
        "Address",
        "Street and number, or the nearest crossing",
        hint_fa="خیابان و پلاک، یا نزدیک‌ترین تقاطع",
        default="",
        max_length=300,
    )
    landmark: str = labelled("نشانه نزدیک", "Nearby landmark", default="", max_length=200)
    hazard: bool = labelled(
        "خطر برای عابران یا خودروها", "A danger to people or vehicles", default=False
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
        "مخاطبان", "Audience", choices=AUDIENCES
    )
    expected_attendees: int = expected_attendees(ge=10, le=10_000)
    programme_date: JalaliDate | None = labelled(
        "تاریخ برگزاری",
        "Programme date",
        "A date such as 1403/07/15",
        hint_fa="تاریخی مانند ۱۴۰۳/۰۷/۱۵",
        default=None,
    )
    venue: str = labelled(
        "محل برگزاری",
        "Venue",
        "A park, mosque or school yard",
        hint_fa="پارک، مسجد یا حیاط مدرسه",
        default="",
        max_length=200,
    )
