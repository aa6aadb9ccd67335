"""Time as agencies count it: Jalali dates, working days, overrides, deadlines."""
