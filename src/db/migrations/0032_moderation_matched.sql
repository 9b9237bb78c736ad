-- What the content rules found in a held send's per-recipient texts (a personalised campaign's
-- phonebook fields), written as its reasons are (content_word:…, content_link:…, content_card:…).
-- The item's body is the template only: the platform's check at decision time reads these too.
ALTER TABLE moderation_items ADD COLUMN matched text[] NOT NULL DEFAULT '{}';
