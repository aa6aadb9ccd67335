"""`python -m hamyar` is the `hamyar` command (useful before the script is on PATH)."""

from hamyar.core.cli import main

main()
