-- The hosts each served revision changed against the revision served before it (issue 17): declared anew,
-- changed, or no longer declared. Kept with the revision, so they survive a restart and read the same on
-- every replica. hosts_known is false where nobody knew them: a revision its replica served first after
-- its start (no earlier revision in memory to compare with), a stalled one, and those recorded before this.
-- Plain SQL for H2 and PostgreSQL.

ALTER TABLE revisions ADD COLUMN hosts_known BOOLEAN DEFAULT FALSE NOT NULL;

CREATE TABLE revision_hosts (
  revision_id BIGINT NOT NULL REFERENCES revisions (id) ON DELETE CASCADE,
  host VARCHAR(253) NOT NULL,
  PRIMARY KEY (revision_id, host)
);
