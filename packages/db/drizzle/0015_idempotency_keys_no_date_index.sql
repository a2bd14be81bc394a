-- No query reads idempotency keys by date: a key is looked up by its primary key only. Besides an
-- index insert per money-moving request, the date index misled the planner while the table's
-- statistics were older than its rows (a new database, before autovacuum's first analyze): the
-- key's lookup then walked every key of the distributor (the ledger bench: ~1,300 index entries
-- read per payment, a third of PostgreSQL's CPU).
DROP INDEX "idempotency_keys_created_idx";
