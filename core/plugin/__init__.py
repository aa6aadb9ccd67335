"""The plugin machinery: hook specifications, manager, registry, declarations."""
