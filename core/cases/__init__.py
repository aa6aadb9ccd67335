"""Cases as people work them: intake, dedupe, referrals, listing, worklists, reports."""
