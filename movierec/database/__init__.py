"""PostgreSQL: the URL and connections, the embedded server, migrations, the named queries,
and the load's write path (binary COPY, index builds, the atomic swap)."""
