-- A session's price list and budget (codesign.domain.prices.costing_to_json) and the room's
-- reasons for the differences from the plan (codesign.domain.reasons.reasons_to_json), kept as
-- the rounds and the votes are; NULL: nothing set yet (the default price list, no reasons).

ALTER TABLE sessions ADD COLUMN costing jsonb;
ALTER TABLE sessions ADD COLUMN reasons jsonb;
