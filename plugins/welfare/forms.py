"""Welfare request forms (confidential: the family's circumstances stay within welfare).

Every title, hint and choice is given in Persian and English (see `hamyar.labelled`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from hamyar import expected_attendees, form_config, labelled

TRADES = {
    "sewing": ("خیاطی", "Sewing"),
    "handicrafts": ("صنایع دستی", "Handicrafts"),
    "food_processing": ("فرآوری مواد غذایی", "Food processing"),
    "carpet_weaving": ("قالی‌بافی", "Carpet weaving"),
    "hairdressing": ("آرایشگری", "Hairdressing"),
}
WORKSHOPS = {
    "life_skills": ("مهارت‌های زندگی", "Life skills"),
    "parenting": ("فرزندپروری", "Parenting"),
}
AUDIENCES = {
    "mothers": ("مادران", "Mothers"),
    "fathers": ("پدران", "Fathers"),
    "parents": ("پدران و مادران", "Parents"),
    "teenagers": ("نوجوانان", "Teenagers"),
}
WORK = {
    "street_vending": ("دست‌فروشی در خیابان", "Street vending"),
    "workshop": ("کارگاه", "Workshop"),
    "waste_collection": ("جمع‌آوری پسماند", "Waste collection"),
    "begging": ("تکدی‌گری", "Begging"),
    "other": ("سایر", "Other"),
}
TOPICS = {
    "social_resilience": ("تاب‌آوری اجتماعی", "Social resilience"),
    "addiction_prevention": ("پیشگیری از اعتیاد", "Addiction prevention"),
    "crisis_preparedness": ("آمادگی در برابر بحران", "Crisis preparedness"),
}


class HouseholdEmpowermentForm(BaseModel):
    model_config = form_config(
        "توانمندسازی زنان سرپرست خانوار (آموزش مشاغل خانگی)",
        "Household empowerment: home-based jobs",
    )

    female_head: bool = labelled("زن سرپرست خانوار", "Female head of household")
    household_size: int = labelled("تعداد اعضای خانوار", "Household size", ge=1, le=15)
    monthly_income_toman: int = labelled(
        "درآمد ماهانه (تومان)", "Monthly income (toman)", ge=0, le=1_000_000_000
    )
    trade: Literal["sewing", "handicrafts", "food_processing", "carpet_weaving", "hairdressing"] = (
        labelled(
            "رشته آموزشی",
            "Trade",
            "The home-based trade to learn",
            hint_fa="شغل خانگی‌ای که آموزش داده می‌شود",
            choices=TRADES,
        )
    )


class WorkshopForm(BaseModel):
    model_config = form_config(
        "کارگاه مهارت‌های زندگی و فرزندپروری", "Life-skills and parenting workshop"
    )

    workshop: Literal["life_skills", "parenting"] = labelled(
        "نوع کارگاه", "Workshop", choices=WORKSHOPS
    )
    audience: Literal["mothers", "fathers", "parents", "teenagers"] = labelled(
        "مخاطبان", "Audience", choices=AUDIENCES
    )
    expected_attendees: int = expected_attendees(ge=5, le=300)


class WorkingChildForm(BaseModel):
    model_config = form_config(
        "کودک کار و خیابان (ثبت‌نام در مرکز پرتو)", "Working and street child: Partow centre"
    )

    child_age: int = labelled("سن کودک", "Child's age", ge=3, le=17)
    works_at: Literal["street_vending", "workshop", "waste_collection", "begging", "other"] = (
        labelled("نوع کار", "Where the child works", choices=WORK)
    )
    in_school: bool = labelled("در حال تحصیل", "Currently at school")
    guardian_present: bool = labelled("سرپرست در دسترس است", "A guardian is reachable")


class ResilienceForm(BaseModel):
    model_config = form_config("کارگاه تاب‌آوری اجتماعی", "Social-resilience workshop")

    topic: Literal["social_resilience", "addiction_prevention", "crisis_preparedness"] = labelled(
        "موضوع", "Topic", choices=TOPICS
    )
    expected_attendees: int = expected_attendees(ge=5, le=500)
