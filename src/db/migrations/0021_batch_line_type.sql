-- The line's type when a send was accepted, kept on its batch: settlement finds the reserved
-- price cell by it, and a line whose type an admin changes later must not move its sends' money
-- to another cell. Sends accepted before this migration have NULL and are settled by the line's
-- current type, as before.
ALTER TABLE batches ADD COLUMN line_type text;
