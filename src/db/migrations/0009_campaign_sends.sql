-- Peer-to-peer sends: a message may carry its own text (NULL = the batch's); gradual sends: the
-- batch's pace, kept for display (each message's next_attempt_at already spaces them).
ALTER TABLE messages ADD COLUMN body text;
ALTER TABLE batches ADD COLUMN per_minute integer CHECK (per_minute > 0);
ALTER TABLE batches ADD COLUMN personalised boolean NOT NULL DEFAULT false;
