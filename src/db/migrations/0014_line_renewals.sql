-- Dedicated lines are rented by the year. Each assignment of a priced, non-shared line carries
-- the date it is paid until (NULL: nothing to renew — shared lines, free lines, the platform's
-- own). The assignee pays its assigner the line's renewal price per year; past the line's grace
-- period an unpaid assignment may not send (nothing is deleted), and renewing restores it.
ALTER TABLE lines ADD COLUMN renewal_grace_days integer NOT NULL DEFAULT 7 CHECK (renewal_grace_days BETWEEN 0 AND 365);
ALTER TABLE line_assignments ADD COLUMN paid_until timestamptz;
CREATE INDEX line_assignments_paid_until ON line_assignments (paid_until) WHERE paid_until IS NOT NULL;

-- What the daily renewal run already did for one paid period (reminder_30, reminder_7,
-- reminder_1, suspended): claimed by insert, so a rerun or a retried job does nothing twice.
CREATE TABLE line_renewal_events (
  line_id     text NOT NULL,
  account_id  text NOT NULL,
  paid_until  timestamptz NOT NULL,
  event       text NOT NULL,
  at          timestamptz NOT NULL,
  PRIMARY KEY (line_id, account_id, paid_until, event)
);
