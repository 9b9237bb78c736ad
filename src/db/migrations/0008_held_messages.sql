-- Messages held for the sending window or for moderation are released by this index's order.
CREATE INDEX messages_held ON messages (next_attempt_at) WHERE status = 'held';
