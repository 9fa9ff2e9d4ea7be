"""Autogenerate a migration against a scratch SQLite database: python scripts/new_migration.py REV "message"."""

import sys
import tempfile
from pathlib import Path

from alembic import command

from relay.migrate import alembic_config, upgrade

rev, message = sys.argv[1], sys.argv[2]
with tempfile.TemporaryDirectory() as tmp:
    url = f"sqlite:///{Path(tmp) / 'scratch.db'}"
    upgrade(url)
    command.revision(alembic_config(url), message=message, autogenerate=True, rev_id=rev)
