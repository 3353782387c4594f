-- Conversations (seed 004 agent_sessions) and their messages (agent_messages). A session also carries the lease of the
-- one run allowed to work on it: active_run_id (the run that owns the conversation until it ends), lease_owner and
-- lease_expires_at (the worker executing it), fencing_token (bumped on every take-over; every write of a worker checks
-- it, so a worker that lost its lease can no longer write).
CREATE TABLE agent_sessions (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    agent_id uuid NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    location_id uuid,
    parent_session_id uuid REFERENCES agent_sessions (id) ON DELETE CASCADE,
    title text NOT NULL DEFAULT '',
    summary text,
    summarized_through bigint NOT NULL DEFAULT 0,
    active_run_id uuid,
    lease_owner text,
    lease_expires_at timestamptz,
    fencing_token bigint NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_sessions_user ON agent_sessions (tenant_id, user_id, updated_at DESC) WHERE parent_session_id IS NULL;

CREATE TABLE agent_messages (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL,
    user_id uuid,
    run_id uuid,
    seq bigserial NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'assistant', 'tool', 'system')),
    content text NOT NULL DEFAULT '',
    tool_calls jsonb,
    tool_call_results jsonb,
    input_tokens integer,
    output_tokens integer,
    token_count integer NOT NULL DEFAULT 0,
    timestamp timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agent_messages_session ON agent_messages (session_id, seq DESC);
