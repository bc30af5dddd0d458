DROP TABLE public.chat_members;
DROP TABLE public.phenom_media;
DROP TABLE public.phenoms;
DROP TABLE public.users;
DROP FUNCTION public.set_current_timestamp_updated_at();
