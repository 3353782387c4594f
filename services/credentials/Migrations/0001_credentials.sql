CREATE TABLE credentials (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    user_id uuid,
    type text NOT NULL,
    name text NOT NULL,
    meta jsonb NOT NULL DEFAULT '{}',
    ciphertext bytea NOT NULL,
    key_version int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credentials_tenant ON credentials (tenant_id);
