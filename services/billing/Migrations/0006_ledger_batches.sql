-- Group commit. The service queues concurrent requests and applies each queue with one function call: holds with
-- billing_place_holds, commits, releases and expiries with billing_settle_holds. One round trip and one transaction
-- per batch, set-based writes, an account row locked (in id order, so batches never deadlock on accounts) and
-- updated once per batch. Two writers run side by side: a commit of the whole hold moves no tokens, so settlements
-- never wait for the account row the holds are debiting. A batch of one is the single-request case, so the
-- per-request functions of 0003 go.
--
-- Holds apply in queue order; every request of a batch was pending at the same time, so this is a valid serial
-- order. The service never puts two settlements of one hold, or two holds with one idempotency key, in one batch.
--
-- Both functions plan generically: a custom plan would know each call's array sizes, look cheaper, and so be re-planned
-- on every call. And index nested loops only: a batch is small and the tables are big, and a plan cached while the
-- tables were still tiny (a fresh database) must not keep hash-joining whole tables once they have grown.

DROP FUNCTION billing_place_hold(uuid, uuid, uuid, text, bigint, text, integer, uuid, text, text, jsonb, text, text);
DROP FUNCTION billing_commit_hold(uuid, bigint, text, text);
DROP FUNCTION billing_settle_hold(uuid, text);

-- The CloudEvent (the shape CloudEventSerializer writes) that billing_emit and the batch functions stage in the outbox.
-- json, not jsonb: built once and stored as text, it need not be parsed into jsonb on the way.
CREATE FUNCTION billing_cloud_event(p_id uuid, p_type text, p_tenant uuid, p_data json, p_source text, p_traceparent text)
RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'specversion', '1.0', 'id', p_id, 'source', p_source, 'type', p_type,
        'time', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
        'subject', p_tenant, 'datacontenttype', 'application/json', 'data', p_data,
        'traceparent', p_traceparent, 'tenantid', p_tenant)::text
$$;

CREATE OR REPLACE FUNCTION billing_emit(p_type text, p_tenant uuid, p_data jsonb, p_source text, p_traceparent text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid := gen_random_uuid();
BEGIN
    INSERT INTO event_bus_outbox (id, topic, cloud_event, created_at)
    VALUES (v_id, p_type, billing_cloud_event(v_id, p_type, p_tenant, p_data::json, p_source, p_traceparent), now());
END $$;

-- Holds to place (h_ids are new ids). One row per request, in order: outcome held, existing (the key was used
-- before: that hold as it is now), insufficient or unknown_operation.
CREATE FUNCTION billing_place_holds(
    h_ids uuid[], h_tenants uuid[], h_locations uuid[], h_operations text[], h_quantities bigint[], h_keys text[],
    h_ttls integer[], h_users uuid[], h_sessions text[], h_descriptions text[], h_metadata jsonb[], h_traceparents text[],
    p_source text)
RETURNS TABLE (o_outcome text, o_hold_id uuid, o_account_id uuid, o_amount bigint, o_status text, o_available bigint,
    o_expires_at timestamptz)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
DECLARE
    n integer := coalesce(array_length(h_ids, 1), 0);
    -- per request: its price, paying account, whether its row went in (false: the key was used before)
    p_amounts bigint[]; p_accounts uuid[]; p_inserted boolean[]; p_costed boolean[];
    p_outcome text[]; p_available bigint[];
    -- the paying accounts, locked in id order
    a_ids uuid[]; a_start bigint[]; a_balance bigint[]; a_threshold bigint[]; a_exhausted boolean[]; a_notified boolean[];
    l_accounts uuid[] := '{}'; l_amounts bigint[] := '{}'; l_holds uuid[] := '{}';
    e_types text[] := '{}'; e_tenants uuid[] := '{}'; e_data json[] := '{}'; e_traces text[] := '{}';
    v_refused uuid[] := '{}';
    k integer;
    v_before bigint;
    v_after bigint;
BEGIN
    -- 1. Price each request (the tenant's plan, else the default), pick the paying account, insert the row unless the
    --    key was used before, and lock the paying accounts in id order (read past any concurrent change).
    WITH items AS (
        SELECT * FROM unnest(h_ids, h_tenants, h_locations, h_operations, h_quantities, h_keys, h_ttls, h_users, h_sessions,
            h_descriptions, h_metadata) WITH ORDINALITY
            AS u(id, tenant, location, operation, quantity, key, ttl, user_id, session_id, description, metadata, i)),
    priced AS (
        -- (the conditions are those of the unique indexes operation_costs_owner and token_accounts_owner)
        SELECT items.*, c.tokens * items.quantity AS amount, a.id AS account
        FROM items
        LEFT JOIN LATERAL (SELECT o.tokens FROM operation_costs o
            WHERE coalesce(o.tenant_id, '00000000-0000-0000-0000-000000000000') IN (items.tenant, '00000000-0000-0000-0000-000000000000')
                AND o.operation_type = items.operation
            ORDER BY o.tenant_id NULLS LAST LIMIT 1) c ON true
        LEFT JOIN LATERAL (SELECT t.id FROM token_accounts t
            WHERE t.tenant_id = items.tenant AND coalesce(t.location_id, '00000000-0000-0000-0000-000000000000')
                IN (coalesce(items.location, '00000000-0000-0000-0000-000000000000'), '00000000-0000-0000-0000-000000000000')
            ORDER BY t.location_id NULLS LAST LIMIT 1) a ON true),
    inserted AS (
        INSERT INTO token_holds (id, account_id, tenant_id, location_id, user_id, session_id, operation_type, amount, status,
            idempotency_key, description, metadata, expires_at)
        SELECT id, account, tenant, location, user_id, session_id, operation, amount, 'held', key, description, metadata,
            now() + make_interval(secs => ttl)
        FROM priced WHERE amount IS NOT NULL AND account IS NOT NULL
        ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
        RETURNING id),
    locked AS (
        SELECT t.id, t.available_tokens, t.low_balance_threshold, t.exhausted_notified FROM token_accounts t
        WHERE t.id IN (SELECT account FROM priced) ORDER BY t.id FOR UPDATE)
    SELECT p.amounts, p.accounts, p.inserted, p.costed, l.ids, l.balances, l.thresholds, l.exhausted
    INTO p_amounts, p_accounts, p_inserted, p_costed, a_ids, a_start, a_threshold, a_exhausted
    FROM (SELECT array_agg(priced.amount ORDER BY priced.i) AS amounts, array_agg(priced.account ORDER BY priced.i) AS accounts,
                 array_agg(inserted.id IS NOT NULL ORDER BY priced.i) AS inserted,
                 array_agg(priced.amount IS NOT NULL ORDER BY priced.i) AS costed
          FROM priced LEFT JOIN inserted ON inserted.id = priced.id) p,
         (SELECT array_agg(id) AS ids, array_agg(available_tokens) AS balances, array_agg(low_balance_threshold) AS thresholds,
                 array_agg(exhausted_notified) AS exhausted
          FROM locked) l;
    a_balance := a_start;
    a_notified := a_exhausted;

    -- 2. In queue order: debit if the balance covers the hold (never below zero), else refuse.
    p_outcome := array_fill(NULL::text, ARRAY[n]);
    p_available := array_fill(0::bigint, ARRAY[n]);
    FOR i IN 1 .. n LOOP
        IF NOT p_costed[i] THEN
            p_outcome[i] := 'unknown_operation';
        ELSIF p_accounts[i] IS NULL THEN
            p_outcome[i] := 'insufficient';
        ELSIF NOT p_inserted[i] THEN
            p_outcome[i] := 'existing';
        ELSE
            k := array_position(a_ids, p_accounts[i]);
            v_before := a_balance[k];
            IF v_before >= p_amounts[i] THEN
                v_after := v_before - p_amounts[i];
                a_balance[k] := v_after;
                p_outcome[i] := 'held';
                l_accounts := l_accounts || p_accounts[i];
                l_amounts := l_amounts || -p_amounts[i];
                l_holds := l_holds || h_ids[i];
                IF v_before >= a_threshold[k] AND v_after < a_threshold[k] THEN
                    e_types := e_types || 'BalanceLow'::text;
                    e_tenants := e_tenants || h_tenants[i];
                    e_data := e_data || json_build_object('locationId', h_locations[i], 'accountId', p_accounts[i],
                        'availableTokens', v_after, 'threshold', a_threshold[k]);
                    e_traces := e_traces || h_traceparents[i];
                END IF;
                IF v_before > 0 AND v_after <= 0 THEN
                    a_exhausted[k] := true;
                    e_types := e_types || 'BalanceExhausted'::text;
                    e_tenants := e_tenants || h_tenants[i];
                    e_data := e_data || json_build_object('locationId', h_locations[i], 'accountId', p_accounts[i], 'availableTokens', v_after);
                    e_traces := e_traces || h_traceparents[i];
                END IF;
            ELSE
                p_outcome[i] := 'insufficient';
                v_refused := v_refused || h_ids[i];
                -- Tell once per episode that the account cannot pay; a purchase re-arms it.
                IF NOT a_exhausted[k] THEN
                    a_exhausted[k] := true;
                    e_types := e_types || 'BalanceExhausted'::text;
                    e_tenants := e_tenants || h_tenants[i];
                    e_data := e_data || json_build_object('locationId', h_locations[i], 'accountId', p_accounts[i], 'availableTokens', v_before);
                    e_traces := e_traces || h_traceparents[i];
                END IF;
            END IF;
            p_available[i] := a_balance[k];
        END IF;
    END LOOP;

    -- 3. Write (one ledger row per hold, one update per account, the events) and answer, in one statement. Its reads
    --    do not see its own writes, so balances come from a_balance.
    IF cardinality(v_refused) > 0 THEN
        DELETE FROM token_holds WHERE id = ANY (v_refused);
    END IF;
    RETURN QUERY
    WITH ledger AS (
        INSERT INTO ledger_entries (account_id, kind, amount, hold_id)
            SELECT a, 'hold', m, h FROM unnest(l_accounts, l_amounts, l_holds) AS u(a, m, h)),
    accounts AS (
        UPDATE token_accounts t SET available_tokens = a.balance, total_tokens_used = t.total_tokens_used + (a.start - a.balance),
                exhausted_notified = a.exhausted, updated_at = now()
            FROM unnest(a_ids, a_start, a_balance, a_exhausted, a_notified) AS a(id, start, balance, exhausted, notified)
            WHERE t.id = a.id AND (a.balance <> a.start OR a.exhausted <> a.notified)),
    events AS (
        INSERT INTO event_bus_outbox (id, topic, cloud_event, created_at)
            SELECT e.id, e.type, billing_cloud_event(e.id, e.type, e.tenant, e.data, p_source, e.trace), now()
            FROM (SELECT gen_random_uuid() AS id, u.* FROM unnest(e_types, e_tenants, e_data, e_traces) AS u(type, tenant, data, trace)) e)
    SELECT u.outcome, CASE WHEN u.outcome = 'held' THEN u.id ELSE h.id END, coalesce(h.account_id, u.account),
        coalesce(h.amount, u.amount, 0), CASE WHEN u.outcome = 'held' THEN 'held' ELSE h.status END,
        CASE WHEN u.outcome = 'existing' THEN coalesce(a_balance[array_position(a_ids, h.account_id)], a.available_tokens, 0) ELSE u.available END,
        CASE WHEN u.outcome = 'held' THEN now() + make_interval(secs => u.ttl) ELSE h.expires_at END
    FROM unnest(h_ids, h_tenants, h_keys, h_ttls, p_outcome, p_accounts, p_amounts, p_available) WITH ORDINALITY
        AS u(id, tenant, key, ttl, outcome, account, amount, available, i)
    LEFT JOIN token_holds h ON u.outcome = 'existing' AND h.tenant_id = u.tenant AND h.idempotency_key = u.key
    LEFT JOIN token_accounts a ON a.id = h.account_id
    ORDER BY u.i;
END $$;

-- Settlements of existing holds: s_kinds 'commit' (s_finals: the final amount, NULL for the whole hold), 'release' or
-- 'expire'. One row per request, in order: outcome committed, released, expired, already_committed, already_released,
-- already_expired, exceeds_hold, not_found, or the hold's status when it cannot change. Only refunds (a release, an
-- expiry, a commit below the hold) touch accounts; committing whole holds never waits for an account's row lock. (A
-- batch refunding several accounts may deadlock with a hold batch locking them the other way round; PostgreSQL
-- detects it and the service retries the batch.)
CREATE FUNCTION billing_settle_holds(s_ids uuid[], s_kinds text[], s_finals bigint[], s_traceparents text[], p_source text)
RETURNS TABLE (o_outcome text, o_hold_id uuid, o_account_id uuid, o_amount bigint, o_committed bigint, o_status text,
    o_available bigint)
LANGUAGE plpgsql
SET plan_cache_mode = force_generic_plan SET enable_seqscan = off SET enable_hashjoin = off SET enable_mergejoin = off
AS $$
BEGIN
    -- One statement: move each hold out of 'held' if the request allows it; give refunds back (ledger row, account);
    -- write the usage log of each commit and TokensDebited for each that charged something; answer. Its reads do
    -- not see its own writes, so the balances answered add this batch's refunds themselves.
    RETURN QUERY
    WITH items AS (
        SELECT * FROM unnest(s_ids, s_kinds, s_finals, s_traceparents) WITH ORDINALITY AS u(id, kind, final, trace, i)),
    changed AS (
        UPDATE token_holds t SET
            status = CASE WHEN items.kind = 'release' THEN 'released' WHEN t.expires_at <= now() THEN 'expired' ELSE 'committed' END,
            committed_amount = CASE WHEN items.kind = 'commit' AND t.expires_at > now() THEN coalesce(items.final, t.amount) END,
            settled_at = now()
        FROM items
        WHERE t.id = items.id AND t.status = 'held' AND CASE items.kind
            WHEN 'release' THEN true
            WHEN 'expire' THEN t.expires_at <= now()
            ELSE t.expires_at <= now() OR coalesce(items.final, t.amount) <= t.amount END
        RETURNING t.*, t.amount - coalesce(t.committed_amount, 0) AS refund, items.trace),
    refunds AS (
        SELECT account_id, sum(refund)::bigint AS total FROM changed WHERE refund > 0 GROUP BY account_id ORDER BY account_id),
    ledger AS (
        INSERT INTO ledger_entries (account_id, kind, amount, hold_id)
        SELECT account_id, CASE status WHEN 'released' THEN 'release' WHEN 'expired' THEN 'expiry' ELSE 'commit' END, refund, id
        FROM changed WHERE refund > 0),
    accounts AS (
        UPDATE token_accounts t SET available_tokens = t.available_tokens + r.total, total_tokens_used = t.total_tokens_used - r.total,
                updated_at = now()
            FROM refunds r WHERE t.id = r.account_id),
    usage AS (
        INSERT INTO token_usage_logs (tenant_id, location_id, user_id, session_id, operation_type, tokens_used, description, metadata, hold_id)
        SELECT tenant_id, location_id, user_id, session_id, operation_type, committed_amount, description, metadata, id
        FROM changed WHERE status = 'committed'),
    answers AS (
        SELECT items.i, items.id, items.kind, coalesce(c.status, h.status) AS status, c.id IS NOT NULL AS changed,
            coalesce(c.account_id, h.account_id) AS account_id, coalesce(c.amount, h.amount) AS amount,
            coalesce(c.committed_amount, h.committed_amount) AS committed_amount, c.refund, c.tenant_id, c.location_id,
            c.operation_type, a.available_tokens + coalesce(r.total, 0) AS available
        FROM items
        LEFT JOIN changed c ON c.id = items.id
        LEFT JOIN token_holds h ON h.id = items.id
        LEFT JOIN token_accounts a ON a.id = coalesce(c.account_id, h.account_id)
        LEFT JOIN refunds r ON r.account_id = a.id),
    -- One TokensDebited per account, location and operation type of this batch: the sum, the count, the hold ids
    -- (an event per commit would cost more than the commit; the usage log has each one). Traced to the first caller.
    events AS (
        INSERT INTO event_bus_outbox (id, topic, cloud_event, created_at)
        SELECT g.event_id, 'TokensDebited', billing_cloud_event(g.event_id, 'TokensDebited', g.tenant_id, json_build_object(
                'locationId', g.location_id, 'accountId', g.account_id, 'operationType', g.operation_type, 'tokens', g.tokens,
                'availableTokens', g.available, 'operations', g.operations, 'holdIds', g.hold_ids), p_source, g.trace), now()
        FROM (SELECT gen_random_uuid() AS event_id, c.tenant_id, c.location_id, c.account_id, c.operation_type,
                     sum(c.committed_amount)::bigint AS tokens, count(*)::integer AS operations, array_agg(c.id ORDER BY c.id) AS hold_ids,
                     min(a.available) AS available, min(c.trace) AS trace
              FROM changed c JOIN answers a ON a.id = c.id
              WHERE c.status = 'committed' AND c.committed_amount > 0
              GROUP BY c.tenant_id, c.location_id, c.account_id, c.operation_type) g)
    SELECT
        CASE
            WHEN a.status IS NULL THEN 'not_found'
            WHEN a.changed THEN a.status
            WHEN a.kind = 'commit' THEN CASE a.status WHEN 'committed' THEN 'already_committed' WHEN 'held' THEN 'exceeds_hold' ELSE a.status END
            WHEN a.kind = 'release' THEN CASE a.status WHEN 'released' THEN 'already_released' ELSE a.status END
            ELSE CASE a.status WHEN 'expired' THEN 'already_expired' ELSE a.status END
        END,
        a.id, a.account_id, coalesce(a.amount, 0), a.committed_amount, a.status, coalesce(a.available, 0)
    FROM answers a
    ORDER BY a.i;
END $$;
