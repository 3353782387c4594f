-- A tenant's OpenAI-compatible model provider: where the model calls of its agents with provider 'openai' go, which
-- model they use when the agent names none, and which credential (credentials service) holds the API key. No row: those
-- agents get the built-in offline model.
CREATE TABLE tenant_model_providers (
    tenant_id uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    endpoint text NOT NULL,
    credential_id uuid,
    default_model text,
    updated_by uuid,
    updated_at timestamptz NOT NULL DEFAULT now()
);
