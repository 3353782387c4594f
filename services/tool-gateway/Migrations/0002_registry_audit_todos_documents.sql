-- The invocation row is also the audit record: who, what, argument hash, outcome, cost, latency, trace, and the
-- outcome replayed for a repeated tool call id.
ALTER TABLE tool_invocations
    ADD COLUMN user_id uuid,
    ADD COLUMN agent_id uuid,
    ADD COLUMN run_id uuid,
    ADD COLUMN location_id uuid,
    ADD COLUMN caller text NOT NULL DEFAULT '',
    ADD COLUMN arguments_hash text NOT NULL DEFAULT '',
    ADD COLUMN hold_id uuid,
    ADD COLUMN tokens_charged bigint NOT NULL DEFAULT 0,
    ADD COLUMN error_code text,
    ADD COLUMN result jsonb,
    ADD COLUMN latency_ms bigint,
    ADD COLUMN trace_id text,
    ADD COLUMN completed_at timestamptz;

CREATE INDEX tool_invocations_tenant_created ON tool_invocations (tenant_id, created_at DESC);

-- Per-tenant enablement and configuration of a tool (no row = the definition's default).
CREATE TABLE tenant_tool_settings (
    tenant_id uuid NOT NULL,
    tool_key text NOT NULL,
    enabled boolean NOT NULL,
    require_approval boolean NOT NULL DEFAULT false,
    configuration jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, tool_key)
);

-- Seed 004's tasks table: todos per user.
CREATE TABLE todos (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    user_id uuid NOT NULL,
    title text NOT NULL,
    description text,
    completed boolean NOT NULL DEFAULT false,
    due_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX todos_owner ON todos (tenant_id, user_id, completed, created_at);

-- Seed 000's JSONBin: named JSON documents per tenant.
CREATE TABLE json_documents (
    tenant_id uuid NOT NULL,
    name text NOT NULL,
    content jsonb NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, name)
);
