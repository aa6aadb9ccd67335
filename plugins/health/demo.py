"""Demo cases for health: screenings, counselling requests, maternal and child care."""

from __future__ import annotations

SCREENING_TITLES = (
    "غربالگری فشار خون و دیابت سالمندان محله {nb}",
    "پایش رشد کودکان زیر شش سال در {nb}",
    "بینایی‌سنجی دانش‌آموزان دبستان‌های {nb}",
    "معاینه دهان و دندان کودکان مهدکودک‌های {nb}",
)
COUNSELLING_TITLES = (
    "درخواست مشاوره برای نوجوان دچار افسردگی در {nb}",
    "مشاوره خانواده به دلیل اعتیاد پدر، ساکن {nb}",
    "مشاوره رفتاری کودک هفت‌ساله، معرفی‌شده از مدرسه {nb}",
    "درخواست مشاوره سوگ برای مادر خانواده در {nb}",
)
MATERNAL_TITLES = (
    "مراقبت بارداری مادر باردار بدون بیمه در {nb}",
    "پیگیری واکسیناسیون نوزاد خانواده مهاجر در {nb}",
    "مشاوره تغذیه کودک دچار کم‌وزنی در {nb}",
    "مراقبت پس از زایمان مادر سرپرست خانوار در {nb}",
)
SCREENING_FORMS = (
    {"screening": "diabetes_blood_pressure", "venue": "health_post", "expected_people": 80},
    {"screening": "child_growth", "venue": "neighbourhood", "expected_people": 40},
    {"screening": "vision_hearing", "venue": "school", "expected_people": 150},
    {"screening": "oral_health", "venue": "school", "expected_people": 60},
)
COUNSELLING_FORMS = (
    {
        "client_age": 15,
        "concern": "anxiety_depression",
        "urgent": False,
        "consent_to_contact": True,
    },
    {
        "client_age": 38,
        "concern": "addiction_in_family",
        "urgent": False,
        "consent_to_contact": True,
    },
    {"client_age": 7, "concern": "child_behaviour", "urgent": False, "consent_to_contact": True},
    {"client_age": 44, "concern": "grief", "urgent": True, "consent_to_contact": True},
)
MATERNAL_FORMS = (
    {"pregnancy_week": 24, "need": "prenatal_care"},
    {"child_age_months": 4, "need": "vaccination"},
    {"child_age_months": 18, "need": "nutrition"},
    {"child_age_months": 1, "need": "postnatal_care"},
)


def demo_cases() -> list:
    from hamyar import spread_demo_cases as spread

    return [
        *spread(
            "health.screening",
            SCREENING_TITLES,
            SCREENING_FORMS,
            category="health_screening",
            deprived_only=True,
            referrals=("library.mobile_visit",),
        ),
        *spread(
            "health.counselling",
            COUNSELLING_TITLES,
            COUNSELLING_FORMS,
            category="mental_health",
            referrals=("welfare.life_skills",),
        ),
        *spread(
            "health.maternal_child",
            MATERNAL_TITLES,
            MATERNAL_FORMS,
            category="maternal_child",
            referrals=("welfare.household_empowerment",),
        ),
    ]
