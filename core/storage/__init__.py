"""Where state lives: settings, database, Redis, tables, migrations."""
