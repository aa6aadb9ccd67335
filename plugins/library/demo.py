"""Demo route timetable: one mobile unit per county, two stops a day, Saturday to Wednesday."""

from __future__ import annotations

from datetime import time

from sqlmodel import Session, col, select

from hamyar import County, Neighbourhood
from hamyar.plugins.library.models import Partner, RouteStop, VisitPartner

DAYS = (5, 6, 0, 1, 2)  # Saturday … Wednesday
HOURS = ((time(9, 0), time(11, 30)), (time(14, 0), time(16, 30)))


def add_route_stops(session: Session) -> int:
    """Add the stops that are missing; return how many were added (0 on a second run)."""
    existing = {(s.unit, s.weekday, s.start) for s in session.exec(select(RouteStop)).all()}
    added = 0
    for county in session.exec(select(County).order_by(County.id)).all():  # type: ignore[arg-type]
        places = session.exec(
            select(Neighbourhood)
            .where(Neighbourhood.county_id == county.id)
            .order_by(col(Neighbourhood.id))
        ).all()
        if not places:
            continue
        assert county.id is not None
        unit = f"کتابخانه سیار {county.name_fa}"
        for i, (weekday, (start, end)) in enumerate((d, h) for d in DAYS for h in HOURS):
            if (unit, weekday, start) in existing:
                continue
            session.add(
                RouteStop(
                    county_id=county.id,
                    unit=unit,
                    weekday=weekday,
                    start=start,
                    end=end,
                    neighbourhood_id=places[i % len(places)].id,
                )
            )
            added += 1
    session.flush()
    return added


PARTNERS = (
    ("health", "دانشگاه علوم پزشکی البرز", "Alborz University of Medical Sciences", "agency"),
    (
        "municipality_culture",
        "سازمان فرهنگی، اجتماعی و ورزشی شهرداری",
        "The municipality's cultural, social and sports organisation",
        "agency",
    ),
    ("family_ambassadors", "گروه جهادی سفیران خانواده", "Family Ambassadors volunteers", "ngo"),
    ("mowasat", "تشکل مواسات مادرانه", "Mothers' Mowasat association", "ngo"),
)
"""The partners of seed 000's meeting, who join the unit "on the timetable it provides"."""
JOINS = {
    # (weekday, morning?) → the partners joining that stop every week
    (5, True): ("health",),  # Saturday mornings: health screenings beside the unit
    (0, False): ("municipality_culture", "mowasat"),  # Monday afternoons
    (2, True): ("family_ambassadors",),  # Wednesday mornings
}


def add_partners(session: Session) -> int:
    """The partners and the stops they join every week; return how many links were added."""
    known = {p.code: p for p in session.exec(select(Partner)).all()}
    for code, title_fa, title_en, kind in PARTNERS:
        if code not in known:
            known[code] = Partner(code=code, title_fa=title_fa, title_en=title_en, kind=kind)
            session.add(known[code])
    session.flush()
    linked = {(v.stop_id, v.partner_id) for v in session.exec(select(VisitPartner)).all()}
    added = 0
    for stop in session.exec(select(RouteStop)).all():
        for code in JOINS.get((stop.weekday, stop.start.hour < 12), ()):
            partner_id = known[code].id
            assert stop.id is not None and partner_id is not None
            if (stop.id, partner_id) not in linked:
                session.add(VisitPartner(stop_id=stop.id, partner_id=partner_id))
                added += 1
    session.flush()
    return added


VISIT_TITLES = (
    "درخواست بازدید کتابخانه سیار از دبستان دخترانه محله {nb}",
    "کتابخانه سیار برای کودکان پیش‌دبستانی {nb}",
    "بازدید کتابخانه سیار از دبیرستان پسرانه {nb}",
    "درخواست حضور کتابخانه سیار در پارک محله {nb} برای مادران و کودکان",
    "کتابخانه سیار در آغاز سال تحصیلی برای مدارس {nb}",
)
WORKSHOP_TITLES = (
    "کارگاه قصه‌گویی برای کودکان {nb}",
    "کارگاه شعرخوانی نوجوانان در {nb}",
    "دوره کتاب‌خوانی خانوادگی در مسجد محله {nb}",
    "کارگاه نویسندگی خلاق برای نوجوانان {nb}",
)
MEMBERSHIP_TITLES = (
    "طرح عضوگیری رایگان کانون در مدارس {nb}",
    "عضوگیری کودکان و نوجوانان محله {nb} در کانون",
    "ثبت‌نام مادران و کودکان {nb} در کتابخانه کانون",
)
JOINT_TITLES = (
    "برنامه مشترک خدمت‌رسانی کانون، سلامت و بهزیستی در محله {nb}",
    "اجرای برنامه فرهنگی و سلامت برای دانش‌آموزان و مادران {nb}",
    "خدمت‌رسانی گروهی به کودکان و نوجوانان {nb} هم‌زمان با شروع سال تحصیلی",
)
VISIT_FORMS = (
    {
        "venue": "school",
        "venue_name": "دبستان شهید بهشتی",
        "age_groups": ["primary"],
        "expected_attendees": 120,
    },
    {
        "venue": "neighbourhood",
        "venue_name": "پارک محله",
        "age_groups": ["preschool", "mothers"],
        "expected_attendees": 45,
    },
    {
        "venue": "school",
        "venue_name": "دبیرستان فرزانگان",
        "age_groups": ["secondary"],
        "expected_attendees": 80,
    },
)
WORKSHOP_FORMS = (
    {
        "topic": "storytelling",
        "age_groups": ["preschool", "primary"],
        "sessions": 4,
        "expected_attendees": 25,
    },
    {"topic": "poetry", "age_groups": ["secondary"], "sessions": 6, "expected_attendees": 18},
    {
        "topic": "reading",
        "age_groups": ["mothers", "primary"],
        "sessions": 8,
        "expected_attendees": 30,
    },
)
MEMBERSHIP_FORMS = (
    {"venue": "school", "age_groups": ["primary", "secondary"], "expected_members": 150},
    {"venue": "cultural_centre", "age_groups": ["preschool", "mothers"], "expected_members": 60},
)
JOINT_FORMS = (
    {
        "partners": ["health", "welfare"],
        "age_groups": ["primary", "secondary", "mothers"],
        "expected_attendees": 200,
        "occasion": "آغاز سال تحصیلی",
    },
    {
        "partners": ["health", "welfare", "municipality"],
        "age_groups": ["primary", "mothers"],
        "expected_attendees": 300,
        "occasion": "هفته وحدت",
    },
)


def demo_cases() -> list:
    from hamyar import spread_demo_cases as spread

    return [
        *spread(
            "library.mobile_visit",
            VISIT_TITLES,
            VISIT_FORMS,
            category="mobile_library",
            deprived_only=True,
            referrals=("health.screening",),
        ),
        *spread(
            "library.reading_workshop",
            WORKSHOP_TITLES,
            WORKSHOP_FORMS,
            category="reading_workshop",
            referrals=("welfare.life_skills",),
        ),
        *spread(
            "library.membership_drive", MEMBERSHIP_TITLES, MEMBERSHIP_FORMS, category="membership"
        ),
        *spread(
            "library.joint_programme",
            JOINT_TITLES,
            JOINT_FORMS,
            category="joint_programme",
            deprived_only=True,
            channels=("facilitation",),
        ),
    ]
