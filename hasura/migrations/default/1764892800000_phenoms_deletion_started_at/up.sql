-- deletePhenom's claim: set while one delete removes the phenom's objects, so concurrent deletes see the row taken
-- and the row stays until its last object is gone. A claim older than the lease can be taken again, so a delete
-- that crashed never blocks the next one. Not selectable by role user.
ALTER TABLE public.phenoms ADD COLUMN deletion_started_at timestamptz;
