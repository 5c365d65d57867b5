-- A note without a title takes the start of its body: the trigger's body holds its own ';'.
CREATE TRIGGER notes_default_title AFTER INSERT ON notes WHEN NEW.title = '' BEGIN
  UPDATE notes SET title = CASE WHEN length(NEW.body) > 20 THEN substr(NEW.body, 1, 20) || '...' ELSE NEW.body END
  WHERE id = NEW.id;
END;
