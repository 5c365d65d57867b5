-- SQLite adds a NOT NULL column to a table with rows only with a constant default.
ALTER TABLE notes ADD COLUMN title TEXT NOT NULL DEFAULT '';
