-- An index built as new migrations build them on a big table (README, Migrations): without a transaction of its own
-- (V4__gadgets_by_colour.sql.conf), waiting as long as it takes for the transactions before it, and blocking none of them.
SET lock_timeout = 0;
CREATE INDEX CONCURRENTLY gadgets_colour_idx ON gadgets (colour);
RESET lock_timeout;
