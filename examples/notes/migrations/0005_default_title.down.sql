DROP TRIGGER notes_default_title;
