"""Install the fixed top-level folders under one import name, `hamyar`.

The product's layout keeps `core/`, `plugins/` and `workers/` at the top of the repository, but
nothing may be installed as a top-level `core` (any other distribution's `core` would collide
with it). setuptools' package-dir mapping installs them as `hamyar.core`, `hamyar.plugins` and
`hamyar.workers` beside `hamyar/` itself (the public plugin module), for `pip install .` and
`pip install -e .` alike. Everything else about the project is in pyproject.toml.
"""

from setuptools import find_namespace_packages, setup

FOLDERS = {
    "hamyar": "hamyar",
    "hamyar.core": "core",
    "hamyar.plugins": "plugins",
    "hamyar.workers": "workers",
}

packages = []
for name, folder in FOLDERS.items():
    # Namespace packages too: templates, static files and migrations live in folders without an
    # __init__.py, and package-data (pyproject.toml) only reaches folders that are packages.
    found = find_namespace_packages(folder, exclude=["*__pycache__*"])
    packages += [name, *(f"{name}.{sub}" for sub in found)]

setup(packages=packages, package_dir=FOLDERS)
