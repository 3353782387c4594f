-- Per-tenant data keys (envelope encryption). wrapped_key = nonce || tag || AES-256-GCM(master key, data key);
-- master_key_version names the master key that wrapped it. version is the data key's own generation, recorded on
-- each credential as credentials.key_version.
CREATE TABLE tenant_keys (
    tenant_id uuid NOT NULL,
    version int NOT NULL,
    wrapped_key bytea NOT NULL,
    master_key_version int NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    rewrapped_at timestamptz,
    PRIMARY KEY (tenant_id, version)
);
CREATE INDEX tenant_keys_master_version ON tenant_keys (master_key_version);

-- Who read or changed a credential, when, and for which run/tool. Never the secret.
CREATE TABLE credential_audit (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tenant_id uuid NOT NULL,
    credential_id uuid NOT NULL,
    action text NOT NULL,
    actor_user_id uuid,
    actor_service text,
    on_behalf_of_user_id uuid,
    run_id text,
    tool text,
    purpose text,
    at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX credential_audit_credential ON credential_audit (tenant_id, credential_id, id DESC);

-- Master-key rotations: started by the operator endpoint, worked through by MasterKeyRotationWorker.
CREATE TABLE master_key_rotations (
    id uuid PRIMARY KEY,
    target_version int NOT NULL,
    status text NOT NULL,
    total int NOT NULL,
    rewrapped int NOT NULL DEFAULT 0,
    failed int NOT NULL DEFAULT 0,
    last_error text,
    requested_by text NOT NULL,
    started_at timestamptz NOT NULL DEFAULT now(),
    finished_at timestamptz
);
-- At most one rotation runs at a time.
CREATE UNIQUE INDEX master_key_rotations_one_running ON master_key_rotations ((status)) WHERE status = 'running';

CREATE INDEX credentials_meta ON credentials USING gin (meta jsonb_path_ops);
CREATE INDEX credentials_tenant_user ON credentials (tenant_id, user_id);
