"""The 137 system's report categories, as citizens and operators know them.

Codes are stable identifiers (Open311 `service_code`s, routing-rule keys); titles are what the
form and the 137 operator show. `other` is deliberately not routed: a coordinator decides.
"""

from __future__ import annotations

REPORT_CATEGORIES: dict[str, tuple[str, str]] = {
    "street_lighting": ("روشنایی معابر", "Street lighting"),
    "waste": ("پسماند و نظافت شهری", "Waste and street cleaning"),
    "roads_potholes": ("آسفالت و چاله معابر", "Roads and potholes"),
    "water_flooding": ("آب‌گرفتگی و هدایت آب‌های سطحی", "Water pooling and surface drainage"),
    "green_space": ("فضای سبز و درختان", "Green space and trees"),
    "stray_animals": ("حیوانات بلاتکلیف", "Stray animals"),
    "building_violations": ("تخلفات ساختمانی", "Building violations"),
    "sidewalks": ("پیاده‌رو و سد معبر", "Sidewalks and obstructions"),
    "park_equipment": ("تجهیزات پارک و بازی کودکان", "Park and playground equipment"),
    "public_transport": ("ایستگاه‌های حمل‌ونقل عمومی", "Public transport stops"),
    "other": ("سایر موارد", "Other"),
}
UNROUTED = frozenset({"other"})

CRISIS_CATEGORIES: dict[str, tuple[str, str]] = {
    "flood": ("سیلاب", "Flood"),
    "snow": ("بارش برف و یخبندان", "Snow and ice"),
    "storm": ("طوفان و سقوط درخت", "Storm and fallen trees"),
}

PROGRAMME_CATEGORIES: dict[str, tuple[str, str]] = {
    "cultural": ("برنامه فرهنگی و هنری", "Cultural and arts programme"),
    "sports": ("مسابقات ورزشی بومی و محلی", "Local and traditional sports"),
    "religious": ("برنامه مذهبی محله", "Neighbourhood religious programme"),
}
