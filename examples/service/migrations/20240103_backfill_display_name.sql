-- A data migration: cannot be undone, so a downgrade past it is refused before anything runs.
-- strata:description display names from the emails
-- strata:parents 20240102_add_display_name
-- strata:irreversible
-- strata:up
UPDATE users SET display_name = split_part(email, '@', 1) WHERE display_name IS NULL;
