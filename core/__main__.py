"""`python -m core` is the `hamyar` command (useful before the script is on PATH)."""

from core.cli import main

main()
