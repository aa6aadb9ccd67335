"""Health request forms (confidential: only the health agency and routing coordinators see them).

Titles are Persian; `description` and `title_en` carry the English (see `hamyar.core.plugin.forms`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, model_validator

from hamyar import form_config, labelled


class ScreeningForm(BaseModel):
    model_config = form_config("درخواست غربالگری سلامت", "Health screening")

    screening: Literal[
        "diabetes_blood_pressure", "child_growth", "vision_hearing", "oral_health"
    ] = labelled(
        "نوع غربالگری",
        "Screening",
        "Diabetes and blood pressure, child growth, vision and hearing, oral health",
    )
    venue: Literal["school", "health_post", "neighbourhood"] = labelled(
        "محل اجرا", "Venue", "School, health post or neighbourhood"
    )
    expected_people: int = labelled(
        "تعداد تقریبی افراد", "Expected people", "Expected number of people", ge=1, le=2000
    )


class CounsellingForm(BaseModel):
    model_config = form_config("درخواست مشاوره سلامت روان", "Mental-health counselling")

    client_age: int = labelled("سن مراجع", "Age", "Client's age", ge=3, le=110)
    concern: Literal[
        "anxiety_depression",
        "family_conflict",
        "addiction_in_family",
        "child_behaviour",
        "grief",
        "other",
    ] = labelled("موضوع مشاوره", "Concern", "Main concern")
    urgent: bool = labelled(
        "فوری (خطر آسیب به خود یا دیگران)",
        "Urgent",
        "Risk of harm: seen the same day",
        default=False,
    )
    consent_to_contact: bool = labelled(
        "رضایت برای تماس", "Consent to contact", "Consent to be contacted"
    )


class MaternalChildForm(BaseModel):
    model_config = form_config("مراقبت سلامت مادر و کودک", "Maternal and child health")

    pregnancy_week: int | None = labelled(
        "هفته بارداری",
        "Pregnancy week",
        "Week of pregnancy, if pregnant",
        default=None,
        ge=4,
        le=42,
    )
    child_age_months: int | None = labelled(
        "سن کودک (ماه)",
        "Child's age (months)",
        "Child's age in months, if any",
        default=None,
        ge=0,
        le=72,
    )
    need: Literal[
        "prenatal_care", "postnatal_care", "growth_monitoring", "vaccination", "nutrition"
    ] = labelled("نوع مراقبت", "Care needed")

    @model_validator(mode="after")
    def _mother_or_child(self) -> MaternalChildForm:
        if self.pregnancy_week is None and self.child_age_months is None:
            raise ValueError("give the week of pregnancy or the child's age")
        return self
