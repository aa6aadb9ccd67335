"""Persian text: folding for search, identifiers, the message catalogue."""
