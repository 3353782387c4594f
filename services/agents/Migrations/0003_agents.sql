-- Agents (seed 003): owned by a user, visible to the owner (scope user) or to a team (scope team; no team = the whole
-- tenant, used by the default Assistant). Every change is a new row in agent_versions; a run records the version it used.
-- owner_user_id has no foreign key: API keys act as users that have no users row.
CREATE TABLE agents (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    owner_user_id uuid NOT NULL,
    scope text NOT NULL CHECK (scope IN ('user', 'team')),
    team_id uuid,
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    is_default boolean NOT NULL DEFAULT false,
    current_version integer NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CHECK (scope = 'team' OR team_id IS NULL)
);
CREATE INDEX agents_tenant ON agents (tenant_id) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX agents_default ON agents (tenant_id) WHERE is_default;

CREATE TABLE agent_versions (
    agent_id uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    version integer NOT NULL CHECK (version >= 1),
    tenant_id uuid NOT NULL,
    definition jsonb NOT NULL,
    created_by uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agent_id, version)
);
