"""The engine: cases, tasks and workflows, knowing nothing about any particular agency.

Installed as `hamyar.core`. Each folder holds one concept; `application/` is the only code that
commits a change and tells observers about it.
"""
