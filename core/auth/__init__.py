"""Who is acting and what they may see: actors, roles, users, passwords, access."""
