-- One row per tool call id: the idempotency record of the executor.
CREATE TABLE tool_invocations (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    tool_key text NOT NULL,
    tool_call_id text NOT NULL,
    status text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, tool_call_id)
);
