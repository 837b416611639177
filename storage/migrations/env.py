"""Alembic environment. Run through storage.migrate (chibo migrate / chibo run).

The caller passes an open connection in config.attributes["connection"], so the same
code path serves SQLite and PostgreSQL, sync and async.
"""

from __future__ import annotations

from alembic import context

from storage.models import Base

config = context.config
target_metadata = Base.metadata

connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations with `chibo migrate` (storage.migrate.upgrade).")

context.configure(
    connection=connection,
    target_metadata=target_metadata,
    render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER much
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
