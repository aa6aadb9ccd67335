"""The library's request forms; their JSON Schema drives the new-case form and the API.

Every title, hint and choice is given in Persian and English (see `hamyar.labelled`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel

from hamyar import AGENCY_TITLES, JalaliDate, expected_attendees, form_config, labelled


class AgeGroup(StrEnum):
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    SECONDARY = "secondary"
    MOTHERS = "mothers"


AGE_GROUP_LABELS = {
    "preschool": ("پیش‌دبستانی", "Preschool"),
    "primary": ("دبستانی", "Primary school"),
    "secondary": ("دبیرستانی", "Secondary school"),
    "mothers": ("مادران", "Mothers"),
}


class Venue(StrEnum):
    SCHOOL = "school"
    NEIGHBOURHOOD = "neighbourhood"
    CULTURAL_CENTRE = "cultural_centre"


VENUE_LABELS = {
    "school": ("مدرسه", "School"),
    "neighbourhood": ("محله", "Neighbourhood"),
    "cultural_centre": ("فرهنگسرا یا مرکز کانون", "Cultural centre"),
}

TOPIC_LABELS = {
    "reading": ("کتاب‌خوانی", "Reading"),
    "storytelling": ("قصه‌گویی", "Storytelling"),
    "poetry": ("شعر", "Poetry"),
    "creative_writing": ("نویسندگی خلاق", "Creative writing"),
}

AGE_GROUPS = labelled(
    "گروه‌های سنی",
    "Age groups",
    "Tick every group the activity is for",
    hint_fa="همه گروه‌هایی را که برنامه برای آنهاست علامت بزنید",
    choices=AGE_GROUP_LABELS,
    min_length=1,
)
"""Every library activity is planned for one or more age groups."""


class MobileVisitForm(BaseModel):
    model_config = form_config("درخواست بازدید کتابخانه سیار", "Mobile library visit request")

    venue: Venue = labelled(
        "محل بازدید",
        "Venue",
        "Where the unit should stand",
        hint_fa="خودروی کتابخانه سیار کجا بایستد",
        choices=VENUE_LABELS,
    )
    venue_name: str = labelled(
        "نام مدرسه یا محل",
        "Venue name",
        "School or place name",
        hint_fa="نام مدرسه یا مکان",
        min_length=2,
        max_length=200,
    )
    age_groups: list[AgeGroup] = AGE_GROUPS
    expected_attendees: int = expected_attendees(ge=5, le=2000)
    preferred_date: JalaliDate | None = labelled(
        "تاریخ پیشنهادی",
        "Preferred date",
        "A date such as 1403/07/15; the unit comes on its nearest route day",
        hint_fa="تاریخی مانند ۱۴۰۳/۰۷/۱۵؛ واحد سیار در نزدیک‌ترین روز مسیرش می‌آید",
        default=None,
    )
    contact_phone: str | None = labelled(
        "تلفن هماهنگی",
        "Contact phone",
        "Who the unit calls before the visit",
        hint_fa="شماره‌ای که پیش از بازدید با آن تماس گرفته می‌شود",
        default=None,
        max_length=20,
    )


class WorkshopForm(BaseModel):
    model_config = form_config(
        "درخواست کارگاه کتاب‌خوانی و ادبی", "Reading or literary workshop request"
    )

    topic: Literal["reading", "storytelling", "poetry", "creative_writing"] = labelled(
        "موضوع کارگاه", "Topic", choices=TOPIC_LABELS
    )
    age_groups: list[AgeGroup] = AGE_GROUPS
    sessions: int = labelled("تعداد جلسات", "Sessions", default=4, ge=1, le=12)
    expected_attendees: int = expected_attendees(ge=5, le=300)


class MembershipDriveForm(BaseModel):
    model_config = form_config("طرح عضوگیری کانون", "Membership drive")

    venue: Venue = labelled("محل اجرا", "Venue", choices=VENUE_LABELS)
    age_groups: list[AgeGroup] = AGE_GROUPS
    expected_members: int = labelled(
        "تعداد اعضای مورد انتظار", "Expected new members", ge=10, le=5000
    )


class JointProgrammeForm(BaseModel):
    model_config = form_config(
        "برنامه مشترک خدمت‌رسانی به محله کم‌برخوردار",
        "Joint programme for a deprived neighbourhood",
    )

    partners: list[Literal["health", "welfare", "municipality"]] = labelled(
        "دستگاه‌های همکار",
        "Partner agencies",
        "Each partner gets its own task on the case",
        hint_fa="هر دستگاه همکار وظیفه‌ای جداگانه در این پرونده می‌گیرد",
        choices=AGENCY_TITLES,
        min_length=1,
    )
    age_groups: list[AgeGroup] = AGE_GROUPS
    expected_attendees: int = expected_attendees(ge=10, le=5000)
    programme_date: JalaliDate | None = labelled(
        "تاریخ برگزاری",
        "Programme date",
        "A date such as 1403/07/15",
        hint_fa="تاریخی مانند ۱۴۰۳/۰۷/۱۵",
        default=None,
    )
    occasion: str = labelled(
        "مناسبت",
        "Occasion",
        "For example, the start of the school year",
        hint_fa="برای نمونه، آغاز سال تحصیلی",
        default="",
        max_length=200,
    )
