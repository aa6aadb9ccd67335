"""Welfare request forms (confidential: the family's circumstances stay within welfare).

Titles are Persian; `description` and `title_en` carry the English (see `hamyar.core.plugin.forms`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from hamyar import expected_attendees, form_config, labelled


class HouseholdEmpowermentForm(BaseModel):
    model_config = form_config(
        "توانمندسازی زنان سرپرست خانوار (آموزش مشاغل خانگی)",
        "Household empowerment: home-based jobs",
    )

    female_head: bool = labelled("زن سرپرست خانوار", "Female head of household")
    household_size: int = labelled("تعداد اعضای خانوار", "Household size", ge=1, le=15)
    monthly_income_toman: int = labelled(
        "درآمد ماهانه (تومان)",
        "Monthly income (toman)",
        "Monthly income in toman",
        ge=0,
        le=1_000_000_000,
    )
    trade: Literal["sewing", "handicrafts", "food_processing", "carpet_weaving", "hairdressing"] = (
        labelled("رشته آموزشی", "Trade", "Home-based trade to learn")
    )


class WorkshopForm(BaseModel):
    model_config = form_config(
        "کارگاه مهارت‌های زندگی و فرزندپروری", "Life-skills and parenting workshop"
    )

    workshop: Literal["life_skills", "parenting"] = labelled(
        "نوع کارگاه", "Workshop", "Life skills or parenting"
    )
    audience: Literal["mothers", "fathers", "parents", "teenagers"] = labelled(
        "مخاطبان", "Audience"
    )
    expected_attendees: int = expected_attendees(ge=5, le=300)


class WorkingChildForm(BaseModel):
    model_config = form_config(
        "کودک کار و خیابان (ثبت‌نام در مرکز پرتو)", "Working and street child: Partow centre"
    )

    child_age: int = labelled("سن کودک", "Child's age", ge=3, le=17)
    works_at: Literal["street_vending", "workshop", "waste_collection", "begging", "other"] = (
        labelled("نوع کار", "Work", "Where the child works")
    )
    in_school: bool = labelled("در حال تحصیل", "In school", "Currently at school")
    guardian_present: bool = labelled(
        "سرپرست در دسترس است", "Guardian reachable", "A guardian is reachable"
    )


class ResilienceForm(BaseModel):
    model_config = form_config("کارگاه تاب‌آوری اجتماعی", "Social-resilience workshop")

    topic: Literal["social_resilience", "addiction_prevention", "crisis_preparedness"] = labelled(
        "موضوع", "Topic"
    )
    expected_attendees: int = expected_attendees(ge=5, le=500)
