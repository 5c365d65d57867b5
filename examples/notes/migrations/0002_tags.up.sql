-- A note's tags go with it: deleting a note deletes its tags.
CREATE TABLE tags (
  note_id INTEGER NOT NULL REFERENCES notes (id) ON DELETE CASCADE,
  tag TEXT NOT NULL,
  PRIMARY KEY (note_id, tag)
);
CREATE INDEX tags_by_tag ON tags (tag);
