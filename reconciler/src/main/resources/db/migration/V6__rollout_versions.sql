-- How many saves each rollout's run has had (ADR 0021, "Server"): a replica saves a decision only while the store
-- still holds the version it decided on, so two replicas deciding one rollout at once cannot overwrite each other.
ALTER TABLE rollout_runs ADD COLUMN version BIGINT DEFAULT 0 NOT NULL;
