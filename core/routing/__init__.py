"""Which agencies act on a case: the router, configured rules, plugin proposals."""
