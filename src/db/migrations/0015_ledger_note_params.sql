-- A statement row's description is rendered in the reader's language from the transaction's type
-- and these params (e.g. {"messages": 12}, {"method": "online", "gateway": "zarinpal"}), written
-- when it is posted; `note` keeps only what a person typed. NULL: a row from before, whose note
-- may be the English text the code used to write (read by billing/descriptions.ts).
ALTER TABLE ledger_transactions ADD COLUMN params jsonb;
