"""The library's request forms; their JSON Schema drives the new-case form and the API.

Titles are Persian (what the form shows); `description` and `title_en` carry the English
(see `hamyar.core.plugin.forms`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from hamyar import expected_attendees, form_config, labelled


class AgeGroup(StrEnum):
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    MOTHERS = "mothers"


AGE_GROUPS_FA = {
    "preschool": "پیش‌دبستانی",
    "primary": "دبستانی",
    "secondary": "دبیرستانی",
    "mothers": "مادران",
}


class Venue(StrEnum):
    SCHOOL = "school"
    NEIGHBOURHOOD = "neighbourhood"
    CULTURAL_CENTRE = "cultural_centre"


AGE_GROUPS = labelled("گروه‌های سنی", "Age groups", min_length=1)
"""Every library activity is planned for one or more age groups."""


class MobileVisitForm(BaseModel):
    model_config = form_config("درخواست بازدید کتابخانه سیار", "Mobile library visit request")

    venue: Venue = labelled("محل بازدید", "Venue", "Where the unit should stand")
    venue_name: str = labelled(
        "نام مدرسه یا محل", "Venue name", "School or place name", min_length=2, max_length=200
    )
    age_groups: list[AgeGroup] = AGE_GROUPS
    expected_attendees: int = expected_attendees(ge=5, le=2000)
    contact_phone: str | None = labelled(
        "تلفن هماهنگی", "Phone", "Contact phone", default=None, max_length=20
    )


class WorkshopForm(BaseModel):
    model_config = form_config(
        "درخواست کارگاه کتاب‌خوانی و ادبی", "Reading or literary workshop request"
    )

    topic: Literal["reading", "storytelling", "poetry", "creative_writing"] = labelled(
        "موضوع کارگاه", "Topic", "Topic: reading, storytelling, poetry, creative writing"
    )
    age_groups: list[AgeGroup] = AGE_GROUPS
    sessions: int = labelled(
        "تعداد جلسات", "Sessions", "Number of sessions", default=4, ge=1, le=12
    )
    expected_attendees: int = expected_attendees(ge=5, le=300)


class MembershipDriveForm(BaseModel):
    model_config = form_config("طرح عضوگیری کانون", "Membership drive")

    venue: Venue = labelled("محل اجرا", "Venue", "Where the drive runs")
    age_groups: list[AgeGroup] = AGE_GROUPS
    expected_members: int = labelled(
        "تعداد اعضای مورد انتظار", "Expected members", "Expected new members", ge=10, le=5000
    )


class JointProgrammeForm(BaseModel):
    model_config = form_config(
        "برنامه مشترک خدمت‌رسانی به محله کم‌برخوردار",
        "Joint programme for a deprived neighbourhood",
    )

    partners: list[Literal["health", "welfare", "municipality"]] = labelled(
        "دستگاه‌های همکار", "Partners", "Partner agencies (each gets its own task)", min_length=1
    )
    age_groups: list[AgeGroup] = AGE_GROUPS
    expected_attendees: int = expected_attendees(ge=10, le=5000)
    occasion: str = labelled(
        "مناسبت",
        "Occasion",
        "Occasion (e.g. start of the school year)",
        default="",
        max_length=200,
    )
