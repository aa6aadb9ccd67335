"""Demo cases for the municipality: 137 reports of every category, crises, programmes."""

from __future__ import annotations

REPORT_TITLES = {
    "street_lighting": (
        "چراغ‌های کوچه اصلی {nb} چند شب است خاموش است",
        "خرابی تیر چراغ برق پارک محله {nb}",
    ),
    "waste": ("انباشت زباله کنار مخزن‌های {nb}", "جمع‌آوری نشدن زباله در خیابان اصلی {nb}"),
    "roads_potholes": ("چاله عمیق در آسفالت خیابان {nb}", "نشست آسفالت جلوی مدرسه {nb}"),
    "water_flooding": ("آب‌گرفتگی زیرگذر {nb} پس از بارندگی", "گرفتگی جوی آب در کوچه‌های {nb}"),
    "green_space": ("خشک شدن درختان بلوار {nb}", "هرس نشدن درختان خطرساز در {nb}"),
    "stray_animals": ("سگ‌های بلاتکلیف در نزدیکی مدرسه {nb}", "تجمع سگ‌های ولگرد در پارک {nb}"),
    "building_violations": ("ساخت‌وساز بدون مجوز در کوچه {nb}", "اضافه طبقه غیرمجاز در {nb}"),
    "sidewalks": ("سد معبر پیاده‌رو توسط مغازه‌ها در {nb}", "تخریب پیاده‌رو خیابان اصلی {nb}"),
    "park_equipment": ("خرابی وسایل بازی کودکان در پارک {nb}", "شکستگی نیمکت‌های بوستان {nb}"),
    "public_transport": ("نبود سایبان در ایستگاه اتوبوس {nb}", "خرابی تابلوی ایستگاه اتوبوس {nb}"),
    "other": ("درخواست نصب دوربین در کوچه‌های {nb}", "مشکل نامشخص شهری در {nb}"),
}
CRISIS_TITLES = {
    "flood": ("ورود سیلاب به منازل کوچه پایین {nb}", "طغیان مسیل و آب‌گرفتگی شدید در {nb}"),
    "snow": ("انسداد معابر {nb} بر اثر بارش برف", "یخ‌زدگی شیب خیابان اصلی {nb}"),
    "storm": ("سقوط درخت روی خودروها در {nb}", "کنده شدن تابلوهای تبلیغاتی در طوفان، {nb}"),
}
PROGRAMME_TITLES = {
    "cultural": ("جشن محله و اجرای تئاتر کودک در {nb}", "نمایش فیلم و نقالی در سرای محله {nb}"),
    "sports": ("مسابقات ورزشی بومی و محلی نوجوانان {nb}", "جشنواره بازی‌های محلی در {nb}"),
    "religious": ("برنامه جشن میلاد پیامبر در مسجد {nb}", "مراسم مذهبی محله {nb} با همکاری هیئت"),
}
REPORT_FORMS = (
    {"address": "کوچه شهید رضایی، پلاک ۱۲", "landmark": "روبه‌روی نانوایی", "hazard": True},
    {"address": "خیابان اصلی، نبش کوچه دوم", "landmark": "کنار مسجد", "hazard": False},
)
CRISIS_FORMS = (
    {"address": "کوچه پایین، انتهای بن‌بست", "people_at_risk": 12, "blocked_road": True},
    {"address": "خیابان اصلی", "people_at_risk": 0, "blocked_road": True},
)
PROGRAMME_FORMS = (
    {"audience": "children", "expected_attendees": 150, "venue": "پارک محله"},
    {"audience": "teenagers", "expected_attendees": 80, "venue": "زمین ورزشی مدرسه"},
    {"audience": "families", "expected_attendees": 300, "venue": "مسجد جامع"},
)


def demo_cases() -> list:
    from hamyar import spread_demo_cases as spread

    cases = []
    for service, titles, forms, per_goal, deprived in (
        ("municipality.report", REPORT_TITLES, REPORT_FORMS, 1, False),
        ("municipality.crisis", CRISIS_TITLES, CRISIS_FORMS, 1, False),
        ("municipality.programme", PROGRAMME_TITLES, PROGRAMME_FORMS, 1, True),
    ):
        for category, texts in titles.items():
            cases += spread(
                service,
                texts,
                forms,
                category=category,
                key=f"{service}.{category}",
                per_goal=per_goal,
                deprived_only=deprived,
                referrals=("welfare.resilience",) if category == "flood" else (),
            )
    return cases
