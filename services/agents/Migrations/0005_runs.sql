-- Runs: one execution of an agent for one input, executed by workers from the durable queue (status 'queued').
-- Steps: what a run did, each persisted before it is acted on. A tool call step's id is the tool call id the gateway
-- deduplicates on, so a resumed run never sends a tool call twice.
CREATE TABLE runs (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    session_id uuid NOT NULL REFERENCES agent_sessions (id) ON DELETE CASCADE,
    agent_id uuid NOT NULL,
    agent_version integer NOT NULL,
    user_id uuid NOT NULL,
    location_id uuid,
    parent_run_id uuid REFERENCES runs (id) ON DELETE CASCADE,
    parent_step_id uuid,
    root_run_id uuid NOT NULL,
    depth integer NOT NULL DEFAULT 0,
    input_kind text NOT NULL CHECK (input_kind IN ('message', 'api', 'trigger', 'reminder', 'sub_agent')),
    input jsonb NOT NULL,
    status text NOT NULL CHECK (status IN ('queued', 'running', 'requires_approval', 'completed', 'failed', 'cancelled', 'expired')),
    status_message text,
    error_code text,
    origin text,
    input_tokens bigint NOT NULL DEFAULT 0,
    output_tokens bigint NOT NULL DEFAULT 0,
    model_calls integer NOT NULL DEFAULT 0,
    tool_calls integer NOT NULL DEFAULT 0,
    tokens_charged bigint NOT NULL DEFAULT 0,
    using_stub boolean NOT NULL DEFAULT false,
    response_message_id uuid,
    trace_parent text,
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    completed_at timestamptz
);
CREATE INDEX runs_queued ON runs (created_at) WHERE status = 'queued';
CREATE INDEX runs_running ON runs (tenant_id) WHERE status = 'running';
CREATE INDEX runs_session ON runs (session_id, created_at);
CREATE INDEX runs_tenant ON runs (tenant_id, created_at DESC);
CREATE INDEX runs_root ON runs (root_run_id);

-- kind: model_call | tool_call | summary | error.
-- tool_call status: pending → awaiting_approval → approved | rejected | expired → succeeded | failed | unknown.
CREATE TABLE run_steps (
    id uuid PRIMARY KEY,
    run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    tenant_id uuid NOT NULL,
    seq integer NOT NULL,
    kind text NOT NULL CHECK (kind IN ('model_call', 'tool_call', 'summary', 'error')),
    status text NOT NULL,
    tool_key text,
    call_id text,
    decision_level text CHECK (decision_level IN ('automatic', 'suggestion', 'consultation', 'approval_required')),
    data jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    completed_at timestamptz,
    UNIQUE (run_id, seq)
);

-- A person's decision on one proposed tool call (seed 002 decision levels other than automatic).
CREATE TABLE approvals (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    run_id uuid NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    root_run_id uuid NOT NULL,
    step_id uuid NOT NULL UNIQUE REFERENCES run_steps (id) ON DELETE CASCADE,
    session_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    requested_by uuid NOT NULL,
    agent_owner_id uuid NOT NULL,
    agent_team_id uuid,
    agent_scope text NOT NULL,
    tool_key text NOT NULL,
    decision_level text NOT NULL,
    arguments jsonb NOT NULL,
    reasoning text,
    confidence real,
    status text NOT NULL CHECK (status IN ('pending', 'approved', 'rejected', 'expired', 'cancelled')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    decided_by uuid,
    decided_at timestamptz,
    edited_arguments jsonb,
    reason text
);
CREATE INDEX approvals_pending ON approvals (expires_at) WHERE status = 'pending';
CREATE INDEX approvals_tenant ON approvals (tenant_id, requested_at DESC);
CREATE INDEX approvals_run ON approvals (run_id);

-- First use of a credential by an agent raises the decision level (seed 002 rule); a row means "used before".
CREATE TABLE credential_uses (
    tenant_id uuid NOT NULL,
    agent_id uuid NOT NULL,
    credential_id uuid NOT NULL,
    first_used_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, agent_id, credential_id)
);

-- User facts (seed 001): remembered by the remember_fact tool, shown in every agent's system prompt for that user.
CREATE TABLE user_facts (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id uuid NOT NULL,
    fact text NOT NULL CHECK (length(fact) BETWEEN 1 AND 500),
    agent_id uuid,
    run_id uuid,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_facts_user ON user_facts (tenant_id, user_id, created_at);
