"""Plugins the core ships: ordinary plugins, registered first, overridable like any other."""
