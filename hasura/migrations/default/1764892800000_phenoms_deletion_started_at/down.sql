ALTER TABLE public.phenoms DROP COLUMN deletion_started_at;
