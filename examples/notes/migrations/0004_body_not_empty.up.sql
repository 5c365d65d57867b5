-- SQLite's ALTER TABLE cannot add a CHECK: the table is rebuilt. strata turns foreign keys off
-- outside this migration's transaction (so DROP TABLE notes does not cascade to the tags) and
-- checks them before COMMIT.
CREATE TABLE notes_new (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL CHECK (length(body) > 0),
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  title TEXT NOT NULL DEFAULT ''
);
INSERT INTO notes_new (id, body, created_at, title)
  SELECT id, CASE WHEN length(body) > 0 THEN body ELSE '(empty)' END, created_at, title FROM notes;
DROP TABLE notes;
ALTER TABLE notes_new RENAME TO notes;
