CREATE TABLE tenants (
    id uuid PRIMARY KEY,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    license_plan text NOT NULL DEFAULT 'free',
    contact_person text,
    created_at timestamptz NOT NULL DEFAULT now()
);
