-- Reboot leases (issue 16, ADR 0021): one row per holder, and the largest fencing token granted so far.
-- Every change reads and writes them in one transaction that first locks the single row of
-- reboot_lease_tokens, so two replicas on PostgreSQL never grant one slot twice (ADR 0018).
-- Plain SQL for H2 and PostgreSQL; times as epoch milliseconds.

CREATE TABLE reboot_leases (
  holder VARCHAR(253) PRIMARY KEY,
  lease_group VARCHAR(253) NOT NULL,
  token BIGINT NOT NULL,
  granted_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL
);

CREATE TABLE reboot_lease_tokens (
  id INT PRIMARY KEY,
  last_token BIGINT NOT NULL
);

INSERT INTO reboot_lease_tokens (id, last_token) VALUES (1, 0);
