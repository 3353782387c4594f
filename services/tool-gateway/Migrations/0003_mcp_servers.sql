-- External MCP servers a tenant registered: their tools join the catalog as {namespace}__{tool}.
CREATE TABLE mcp_servers (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    namespace text NOT NULL,
    url text NOT NULL,
    credential_id uuid,
    allowed_networks text[] NOT NULL DEFAULT '{}',
    token_cost bigint NOT NULL DEFAULT 1,
    require_approval boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, namespace)
);
