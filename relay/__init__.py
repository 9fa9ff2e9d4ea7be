"""Relay: the composition root (settings, CLI, ASGI app, broker, database engine)."""
