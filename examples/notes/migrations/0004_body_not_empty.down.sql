CREATE TABLE notes_old (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP,
  title TEXT NOT NULL DEFAULT ''
);
INSERT INTO notes_old (id, body, created_at, title) SELECT id, body, created_at, title FROM notes;
DROP TABLE notes;
ALTER TABLE notes_old RENAME TO notes;
