"""The agency plugins that ship with Hamyar; each is an ordinary pluggy plugin package.

They are loaded through the `hamyar` entry-point group exactly as a third-party agency's package
would be; nothing in `core` imports them.
"""
