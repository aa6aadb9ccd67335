"""Hamyar's public plugin API: everything an agency plugin imports, from one module.

from hamyar import hookimpl, AgencySpec, ServiceSpec
"""

from hamyar.core.plugin.hookspecs import hookimpl

__all__ = ["hookimpl"]
