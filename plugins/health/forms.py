"""Health request forms (confidential: only the health agency and routing coordinators see them).

Every title, hint and choice is given in Persian and English (see `hamyar.labelled`).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, model_validator

from hamyar import Phrase, form_config, labelled

SCREENINGS = {
    "diabetes_blood_pressure": ("دیابت و فشار خون", "Diabetes and blood pressure"),
    "child_growth": ("رشد کودکان", "Child growth"),
    "vision_hearing": ("بینایی و شنوایی", "Vision and hearing"),
    "oral_health": ("سلامت دهان و دندان", "Oral health"),
}
VENUES = {
    "school": ("مدرسه", "School"),
    "health_post": ("پایگاه سلامت", "Health post"),
    "neighbourhood": ("محله", "Neighbourhood"),
}
CONCERNS = {
    "anxiety_depression": ("اضطراب و افسردگی", "Anxiety and depression"),
    "family_conflict": ("اختلاف خانوادگی", "Family conflict"),
    "addiction_in_family": ("اعتیاد در خانواده", "Addiction in the family"),
    "child_behaviour": ("رفتار کودک", "Child behaviour"),
    "grief": ("سوگ", "Grief"),
    "other": ("سایر", "Other"),
}
CARE = {
    "prenatal_care": ("مراقبت دوران بارداری", "Prenatal care"),
    "postnatal_care": ("مراقبت پس از زایمان", "Postnatal care"),
    "growth_monitoring": ("پایش رشد", "Growth monitoring"),
    "vaccination": ("واکسیناسیون", "Vaccination"),
    "nutrition": ("تغذیه", "Nutrition"),
}
MOTHER_OR_CHILD = Phrase(
    "Give the week of pregnancy or the child's age.", "هفته بارداری یا سن کودک را وارد کنید."
)


class ScreeningForm(BaseModel):
    model_config = form_config("درخواست غربالگری سلامت", "Health screening")

    screening: Literal[
        "diabetes_blood_pressure", "child_growth", "vision_hearing", "oral_health"
    ] = labelled("نوع غربالگری", "Screening", choices=SCREENINGS)
    venue: Literal["school", "health_post", "neighbourhood"] = labelled(
        "محل اجرا", "Venue", choices=VENUES
    )
    expected_people: int = labelled("تعداد تقریبی افراد", "Expected people", ge=1, le=2000)


class CounsellingForm(BaseModel):
    model_config = form_config("درخواست مشاوره سلامت روان", "Mental-health counselling")

    client_age: int = labelled("سن مراجع", "Client's age", ge=3, le=110)
    concern: Literal[
        "anxiety_depression",
        "family_conflict",
        "addiction_in_family",
        "child_behaviour",
        "grief",
        "other",
    ] = labelled("موضوع مشاوره", "Main concern", choices=CONCERNS)
    urgent: bool = labelled(
        "فوری (خطر آسیب به خود یا دیگران)",
        "Urgent (risk of harm to self or others)",
        "Seen the same day",
        hint_fa="همان روز پیگیری می‌شود",
        default=False,
    )
    consent_to_contact: bool = labelled("رضایت برای تماس", "Consent to be contacted")


class MaternalChildForm(BaseModel):
    model_config = form_config("مراقبت سلامت مادر و کودک", "Maternal and child health")

    pregnancy_week: int | None = labelled(
        "هفته بارداری",
        "Pregnancy week",
        "If pregnant",
        hint_fa="در صورت بارداری",
        default=None,
        ge=4,
        le=42,
    )
    child_age_months: int | None = labelled(
        "سن کودک (ماه)",
        "Child's age (months)",
        "If there is a child",
        hint_fa="اگر کودکی هست",
        default=None,
        ge=0,
        le=72,
    )
    need: Literal[
        "prenatal_care", "postnatal_care", "growth_monitoring", "vaccination", "nutrition"
    ] = labelled("نوع مراقبت", "Care needed", choices=CARE)

    @model_validator(mode="after")
    def _mother_or_child(self) -> MaternalChildForm:
        if self.pregnancy_week is None and self.child_age_months is None:
            raise ValueError(MOTHER_OR_CHILD)
        return self
