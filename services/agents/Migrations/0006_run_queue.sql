-- The run queue's transitions, each one call (one round trip, one transaction). See services/agents/README.md.

-- Records a run's input message in its conversation the first time the run starts (a queued message joins the
-- history when its turn comes, after the replies to earlier messages), and marks the run running.
CREATE FUNCTION runtime_start_run(p_run uuid) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    r runs%ROWTYPE;
BEGIN
    SELECT * INTO r FROM runs WHERE id = p_run;
    IF r.started_at IS NULL AND r.input ? 'messageId' THEN
        INSERT INTO agent_messages (id, session_id, tenant_id, user_id, run_id, role, content, token_count)
        VALUES ((r.input ->> 'messageId')::uuid, r.session_id, r.tenant_id, r.user_id, r.id,
                coalesce(r.input ->> 'role', 'user'), r.input ->> 'message', coalesce((r.input ->> 'tokens')::int, 0))
        ON CONFLICT (id) DO NOTHING;
    END IF;
    UPDATE runs SET status = 'running', started_at = coalesce(started_at, now()) WHERE id = p_run;
END $$;

-- How many top-level runs of a tenant are executing, counted under the tenant's lock so two claims cannot both take
-- the last slot. Sub-agent runs execute inside their root's slot and are not counted.
CREATE FUNCTION runtime_tenant_running(p_tenant uuid) RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended(p_tenant::text, 7));
    SELECT count(*) INTO n FROM runs WHERE tenant_id = p_tenant AND status = 'running' AND parent_run_id IS NULL;
    RETURN n;
END $$;

-- A new run for a conversation (created here when new). When another run owns the conversation, the agent's
-- double-texting policy decides: 'enqueue' waits behind it, 'reject' refuses (outcome 'conflict'), 'interrupt' cancels
-- it (and anything queued) and fences its worker out. When the conversation is free and p_worker has a free slot and
-- the tenant is under its cap, the run is claimed for p_worker at once (outcome 'claimed' with the fencing token).
-- Outcome 'not_found': the conversation belongs to another tenant, user or agent.
CREATE FUNCTION runtime_enqueue(
    p_run uuid, p_tenant uuid, p_session uuid, p_agent uuid, p_version integer, p_user uuid, p_location uuid,
    p_title text, p_input_kind text, p_input jsonb, p_policy text, p_worker text, p_lease interval, p_tenant_cap integer,
    p_origin text, p_trace text)
RETURNS TABLE (outcome text, fencing bigint, interrupted uuid[]) LANGUAGE plpgsql AS $$
DECLARE
    s agent_sessions%ROWTYPE;
    cancelled uuid[] := '{}';
    token bigint;
BEGIN
    INSERT INTO agent_sessions (id, tenant_id, user_id, agent_id, location_id, title)
    VALUES (p_session, p_tenant, p_user, p_agent, p_location, p_title)
    ON CONFLICT (id) DO NOTHING;
    SELECT * INTO s FROM agent_sessions WHERE id = p_session FOR UPDATE;
    IF s.tenant_id <> p_tenant OR s.user_id <> p_user OR s.agent_id <> p_agent OR s.parent_session_id IS NOT NULL THEN
        RETURN QUERY SELECT 'not_found'::text, NULL::bigint, cancelled;
        RETURN;
    END IF;

    IF s.active_run_id IS NOT NULL OR EXISTS (SELECT 1 FROM runs WHERE session_id = p_session AND status = 'queued') THEN
        IF p_policy = 'reject' THEN
            RETURN QUERY SELECT 'conflict'::text, NULL::bigint, cancelled;
            RETURN;
        ELSIF p_policy = 'interrupt' THEN
            WITH stopped AS (
                UPDATE runs SET status = 'cancelled', error_code = 'interrupted',
                       status_message = 'Interrupted by a newer message.', completed_at = now()
                WHERE root_run_id IN (SELECT id FROM runs WHERE session_id = p_session AND parent_run_id IS NULL
                                                         AND status IN ('queued', 'running', 'requires_approval'))
                  AND status IN ('queued', 'running', 'requires_approval')
                RETURNING id, parent_run_id)
            SELECT coalesce(array_agg(id) FILTER (WHERE parent_run_id IS NULL), '{}') INTO cancelled FROM stopped;
            UPDATE approvals SET status = 'cancelled', decided_at = now() WHERE root_run_id = ANY (cancelled) AND status = 'pending';
            UPDATE agent_sessions SET active_run_id = NULL, lease_owner = NULL, lease_expires_at = NULL,
                   fencing_token = fencing_token + 1
            WHERE id = p_session RETURNING * INTO s;
        END IF;
    END IF;

    INSERT INTO runs (id, tenant_id, session_id, agent_id, agent_version, user_id, location_id, root_run_id, input_kind,
                      input, status, origin, trace_parent)
    VALUES (p_run, p_tenant, p_session, p_agent, p_version, p_user, p_location, p_run, p_input_kind, p_input, 'queued',
            p_origin, p_trace);

    IF s.active_run_id IS NULL AND NOT EXISTS (SELECT 1 FROM runs WHERE session_id = p_session AND status = 'queued' AND id <> p_run) THEN
        IF p_worker IS NOT NULL AND runtime_tenant_running(p_tenant) < p_tenant_cap THEN
            UPDATE agent_sessions SET active_run_id = p_run, lease_owner = p_worker, lease_expires_at = now() + p_lease,
                   fencing_token = fencing_token + 1, updated_at = now()
            WHERE id = p_session RETURNING fencing_token INTO token;
            PERFORM runtime_start_run(p_run);
            RETURN QUERY SELECT 'claimed'::text, token, cancelled;
            RETURN;
        END IF;
        UPDATE agent_sessions SET active_run_id = p_run, updated_at = now() WHERE id = p_session;
    END IF;
    PERFORM pg_notify('agent_runs', '');
    RETURN QUERY SELECT 'queued'::text, NULL::bigint, cancelled;
END $$;

-- Claims up to p_max runs for p_worker, fairly across tenants: first runs whose worker died (their lease expired),
-- then the runs of tenants with the fewest runs executing, each tenant's oldest first, then each tenant's second, ...
-- (round robin), never more than p_tenant_cap
-- executing runs per tenant. A queued run is claimable when it owns its conversation (resumed after an approval) or
-- is the oldest queued run of a free conversation. Sub-agent runs are driven by their root run, never claimed here.
CREATE FUNCTION runtime_claim(p_worker text, p_lease interval, p_tenant_cap integer, p_max integer)
RETURNS TABLE (run_id uuid, fencing bigint, agent_id uuid, agent_version integer) LANGUAGE plpgsql AS $$
DECLARE
    c record;
    claimed integer := 0;
    token bigint;
BEGIN
    FOR c IN
        SELECT candidates.id, candidates.tenant_id, candidates.session_id, candidates.status, candidates.agent_id,
               candidates.agent_version, candidates.running
        FROM (
            SELECT r.id, r.tenant_id, r.session_id, r.status, r.created_at, r.agent_id, r.agent_version, coalesce(busy.n, 0) AS running,
                   row_number() OVER (PARTITION BY r.tenant_id ORDER BY r.created_at) AS turn
            FROM runs r
            JOIN agent_sessions s ON s.id = r.session_id
            LEFT JOIN (SELECT x.tenant_id, count(*) AS n FROM runs x WHERE x.status = 'running' AND x.parent_run_id IS NULL
                       GROUP BY x.tenant_id) busy ON busy.tenant_id = r.tenant_id
            WHERE r.parent_run_id IS NULL
              AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now())
              AND ((r.status = 'running' AND s.active_run_id = r.id)
                OR (r.status = 'queued' AND (s.active_run_id = r.id
                    OR (s.active_run_id IS NULL AND r.id = (SELECT q.id FROM runs q WHERE q.session_id = r.session_id
                                                             AND q.status = 'queued' ORDER BY q.created_at, q.id LIMIT 1)))))
        ) candidates
        WHERE candidates.turn <= p_tenant_cap
        ORDER BY (candidates.status = 'running') DESC, candidates.running, candidates.turn, candidates.created_at
        LIMIT p_max * 4
    LOOP
        EXIT WHEN claimed >= p_max;
        PERFORM 1 FROM agent_sessions WHERE id = c.session_id FOR UPDATE SKIP LOCKED;
        CONTINUE WHEN NOT FOUND;
        IF c.status = 'queued' AND runtime_tenant_running(c.tenant_id) >= p_tenant_cap THEN
            CONTINUE;
        END IF;
        UPDATE agent_sessions SET active_run_id = c.id, lease_owner = p_worker, lease_expires_at = now() + p_lease,
               fencing_token = fencing_token + 1, updated_at = now()
        WHERE id = c.session_id AND (active_run_id IS NULL OR active_run_id = c.id)
          AND (lease_expires_at IS NULL OR lease_expires_at < now())
        RETURNING agent_sessions.fencing_token INTO token;
        CONTINUE WHEN NOT FOUND;
        PERFORM runtime_start_run(c.id);
        run_id := c.id;
        fencing := token;
        agent_id := c.agent_id;
        agent_version := c.agent_version;
        claimed := claimed + 1;
        RETURN NEXT;
    END LOOP;
END $$;

-- Takes a sub-agent run for the worker of its root (a child's conversation is its own), or a root run's conversation
-- when resuming it directly. Returns the new fencing token, or null when another live worker holds it.
CREATE FUNCTION runtime_take(p_run uuid, p_worker text, p_lease interval) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    token bigint;
BEGIN
    UPDATE agent_sessions s SET active_run_id = p_run, lease_owner = p_worker, lease_expires_at = now() + p_lease,
           fencing_token = fencing_token + 1, updated_at = now()
    FROM runs r
    WHERE r.id = p_run AND s.id = r.session_id AND r.status IN ('queued', 'running')
      AND (s.active_run_id IS NULL OR s.active_run_id = p_run)
      AND (s.lease_expires_at IS NULL OR s.lease_expires_at < now() OR s.lease_owner = p_worker)
    RETURNING s.fencing_token INTO token;
    IF token IS NOT NULL THEN
        PERFORM runtime_start_run(p_run);
    END IF;
    RETURN token;
END $$;

-- Every write of a worker starts with this: it renews the lease and fails the whole batch (SQLSTATE AC001) when the
-- fencing token moved on (the run was cancelled, interrupted or taken over after the lease expired).
CREATE FUNCTION runtime_fence(p_session uuid, p_token bigint, p_lease interval) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    UPDATE agent_sessions SET lease_expires_at = now() + p_lease WHERE id = p_session AND fencing_token = p_token;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'the run lost its conversation lease' USING ERRCODE = 'AC001';
    END IF;
END $$;
