"""Demo cases for welfare: household empowerment, workshops, working children, resilience."""

from __future__ import annotations

EMPOWERMENT_TITLES = (
    "آموزش خیاطی برای زن سرپرست خانوار ساکن {nb}",
    "توانمندسازی زن سرپرست خانوار با آموزش صنایع دستی در {nb}",
    "درخواست آموزش فرآوری مواد غذایی خانگی، {nb}",
    "آموزش قالی‌بافی خانگی برای مادر سه فرزند در {nb}",
)
WORKSHOP_TITLES = (
    "کارگاه مهارت‌های زندگی برای نوجوانان {nb}",
    "کارگاه فرزندپروری برای مادران {nb}",
    "آموزش مهارت‌های ارتباطی خانواده در سرای محله {nb}",
)
CHILDREN_TITLES = (
    "ثبت‌نام کودک کار در مرکز پرتو، شناسایی‌شده در {nb}",
    "کودک دستفروش بازمانده از تحصیل در {nb}",
    "کودک زباله‌گرد نیازمند حمایت، {nb}",
    "معرفی کودک کار کارگاه‌های {nb} به مرکز پرتو",
)
RESILIENCE_TITLES = (
    "کارگاه تاب‌آوری اجتماعی برای خانواده‌های {nb}",
    "کارگاه پیشگیری از اعتیاد در محله {nb}",
    "آموزش آمادگی در برابر بحران برای زنان {nb}",
)
EMPOWERMENT_FORMS = (
    {
        "female_head": True,
        "household_size": 3,
        "monthly_income_toman": 4_500_000,
        "trade": "sewing",
    },
    {
        "female_head": True,
        "household_size": 4,
        "monthly_income_toman": 9_000_000,
        "trade": "handicrafts",
    },
    {
        "female_head": False,
        "household_size": 5,
        "monthly_income_toman": 7_000_000,
        "trade": "food_processing",
    },
    {
        "female_head": True,
        "household_size": 2,
        "monthly_income_toman": 8_000_000,
        "trade": "carpet_weaving",
    },
)
WORKSHOP_FORMS = (
    {"workshop": "life_skills", "audience": "teenagers", "expected_attendees": 30},
    {"workshop": "parenting", "audience": "mothers", "expected_attendees": 25},
    {"workshop": "parenting", "audience": "parents", "expected_attendees": 40},
)
CHILDREN_FORMS = (
    {"child_age": 11, "works_at": "street_vending", "in_school": False, "guardian_present": True},
    {"child_age": 14, "works_at": "workshop", "in_school": False, "guardian_present": True},
    {"child_age": 9, "works_at": "waste_collection", "in_school": True, "guardian_present": False},
    {"child_age": 5, "works_at": "begging", "in_school": False, "guardian_present": True},
)
RESILIENCE_FORMS = (
    {"topic": "social_resilience", "expected_attendees": 50},
    {"topic": "addiction_prevention", "expected_attendees": 80},
    {"topic": "crisis_preparedness", "expected_attendees": 35},
)


def demo_cases() -> list:
    from hamyar import spread_demo_cases as spread

    return [
        *spread(
            "welfare.household_empowerment",
            EMPOWERMENT_TITLES,
            EMPOWERMENT_FORMS,
            category="household_empowerment",
            deprived_only=True,
            referrals=("health.maternal_child",),
        ),
        *spread("welfare.life_skills", WORKSHOP_TITLES, WORKSHOP_FORMS, category="life_skills"),
        *spread(
            "welfare.working_children",
            CHILDREN_TITLES,
            CHILDREN_FORMS,
            category="working_children",
            deprived_only=True,
            referrals=("health.counselling", "library.membership_drive"),
        ),
        *spread(
            "welfare.resilience", RESILIENCE_TITLES, RESILIENCE_FORMS, category="social_resilience"
        ),
    ]
