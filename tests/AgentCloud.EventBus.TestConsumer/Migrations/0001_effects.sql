CREATE TABLE effects (
    id uuid PRIMARY KEY,
    event_id text NOT NULL,
    work_key text NOT NULL,
    consumer text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now());
