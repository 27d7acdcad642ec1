"""SQLite storage through sqlite-utils: the schema, its migrations, queries and backups. No Qt."""
