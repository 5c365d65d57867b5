-- +goose Up
-- no way back: the flag is read by the billing job from now on
ALTER TABLE users ADD COLUMN archived boolean;
