-- Phenom core schema: Cognito users, sightings ("phenoms") and their uploaded media.

CREATE FUNCTION public.set_current_timestamp_updated_at()
RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- id is the Cognito `sub`; the remaining columns are named after the Cognito attributes they hold,
-- which is how the sync-users Lambda maps attributes to columns.
CREATE TABLE public.users (
  id                 uuid PRIMARY KEY,
  email              text NOT NULL,
  email_verified     boolean NOT NULL DEFAULT false,
  name               text,
  given_name         text,
  family_name        text,
  preferred_username text,
  locale             text,
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TRIGGER set_users_updated_at
  BEFORE UPDATE ON public.users
  FOR EACH ROW EXECUTE FUNCTION public.set_current_timestamp_updated_at();

CREATE TABLE public.phenoms (
  id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  owner_id   uuid NOT NULL REFERENCES public.users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  lat        double precision NOT NULL CHECK (lat >= -90 AND lat <= 90),
  lng        double precision NOT NULL CHECK (lng >= -180 AND lng <= 180),
  media_type text NOT NULL CHECK (media_type IN ('image', 'video', 'audio')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- getPhenoms: the caller's rows, newest first.
CREATE INDEX phenoms_owner_id_created_at_idx ON public.phenoms (owner_id, created_at DESC);

CREATE TRIGGER set_phenoms_updated_at
  BEFORE UPDATE ON public.phenoms
  FOR EACH ROW EXECUTE FUNCTION public.set_current_timestamp_updated_at();

CREATE TABLE public.phenom_media (
  id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  phenom_id         uuid NOT NULL REFERENCES public.phenoms (id) ON UPDATE CASCADE ON DELETE CASCADE,
  sort_order        integer NOT NULL CHECK (sort_order >= 0),
  original_filename text NOT NULL,
  s3_key            text NOT NULL,
  upload_state      text NOT NULL DEFAULT 'pending' CHECK (upload_state IN ('pending', 'uploaded')),
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT phenom_media_s3_key_key UNIQUE (s3_key),
  -- also serves the phenom -> media lookup, so no separate index on phenom_id
  CONSTRAINT phenom_media_phenom_id_sort_order_key UNIQUE (phenom_id, sort_order)
);

CREATE TRIGGER set_phenom_media_updated_at
  BEFORE UPDATE ON public.phenom_media
  FOR EACH ROW EXECUTE FUNCTION public.set_current_timestamp_updated_at();

-- Optional chat membership, read by the pre-token-generation trigger to add x-hasura-chat-role.
CREATE TABLE public.chat_members (
  user_id    uuid PRIMARY KEY REFERENCES public.users (id) ON UPDATE CASCADE ON DELETE CASCADE,
  role       text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
