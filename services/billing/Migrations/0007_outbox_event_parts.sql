-- The events the ledger functions stage are defined once, in C#: the outbox now keeps an event's parts (eventbus_0002)
-- and the relay wraps every row in the one CloudEvent envelope, its source being the relaying service. So the functions
-- stage only what C# cannot know: the type, the tenant (also the subject), the data and the caller's trace context. The
-- data are built with json_build_object in the order of the contract records' properties, with every property (nulls
-- too), so an event from SQL and the same event from C# are the same bytes (BillingEventShapeTests). No p_source any more.

DROP FUNCTION billing_cloud_event(uuid, text, uuid, json, text, text);
DROP FUNCTION billing_emit(text, uuid, jsonb, text, text);
DROP FUNCTION billing_emit_crossings(uuid, uuid, uuid, bigint, bigint, bigint, text, text);
DROP FUNCTION billing_charge_monthly_fee(uuid, date, text, text);
DROP FUNCTION billing_record_usage(uuid, uuid, uuid, text, text, bigint, text, text, text, text);
DROP FUNCTION billing_place_holds(uuid[], uuid[], uuid[], text[], bigint[], text[], integer[], uuid[], text[], text[], jsonb[], text[], text);
DROP FUNCTION billing_settle_holds(uuid[], text[], bigint[], text[], text);

-- Stages one event in the caller's transaction (plpgsql: the outbox table comes from the event bus's own scripts).
CREATE FUNCTION billing_emit(p_type text, p_tenant uuid, p_data json, p_traceparent text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid := gen_random_uuid();
BEGIN
    INSERT INTO event_bus_outbox (id, event_id, topic, subject, tenant_id, data, traceparent)
    VALUES (v_id, v_id, p_type, p_tenant, p_tenant, p_data, p_traceparent);
END $$;

-- BalanceLow when a debit crosses the tenant's threshold; BalanceExhausted when it reaches zero or below.
CREATE FUNCTION billing_emit_crossings(p_account uuid, p_tenant uuid, p_location uuid, p_before bigint, p_after bigint,
    p_threshold bigint, p_traceparent text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_before >= p_threshold AND p_after < p_threshold THEN
        PERFORM billing_emit('BalanceLow', p_tenant, json_build_object('locationId', p_location,
            'accountId', p_account, 'availableTokens', p_after, 'threshold', p_threshold), p_traceparent);
    END IF;
    IF p_before > 0 AND p_after <= 0 THEN
        UPDATE token_accounts SET exhausted_notified = true WHERE id = p_account;
        PERFORM billing_emit('BalanceExhausted', p_tenant, json_build_object('locationId', p_location,
            'accountId', p_account, 'availableTokens', p_after), p_traceparent);
    END IF;
END $$;

CREATE FUNCTION billing_charge_monthly_fee(p_account uuid, p_month date, p_traceparent text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    v_tenant uuid;
    v_fee bigint;
    v_after bigint;
    v_threshold bigint;
BEGIN
    SELECT a.tenant_id INTO v_tenant FROM token_accounts a WHERE a.id = p_account;
    v_fee := coalesce(billing_cost(v_tenant, 'monthly_fee'), 0);
    UPDATE token_accounts a SET available_tokens = a.available_tokens - v_fee, total_tokens_used = a.total_tokens_used + v_fee,
            last_monthly_fee_date = p_month, updated_at = now()
        WHERE a.id = p_account AND a.location_id IS NULL AND (a.last_monthly_fee_date IS NULL OR a.last_monthly_fee_date < p_month)
        RETURNING a.available_tokens, a.low_balance_threshold INTO v_after, v_threshold;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO ledger_entries (account_id, kind, amount, entry_key, balance_after)
        VALUES (p_account, 'fee', -v_fee, 'monthly-fee:' || to_char(p_month, 'YYYY-MM'), v_after);
    INSERT INTO token_usage_logs (tenant_id, operation_type, tokens_used, description, metadata)
        VALUES (v_tenant, 'monthly_fee', v_fee, 'Monthly fee ' || to_char(p_month, 'YYYY-MM'),
            jsonb_build_object('month', to_char(p_month, 'YYYY-MM')));
    IF v_fee > 0 THEN
        PERFORM billing_emit('TokensDebited', v_tenant, json_build_object('locationId', NULL, 'accountId', p_account,
            'operationType', 'monthly_fee', 'tokens', v_fee, 'availableTokens', v_after, 'operations', 1, 'holdIds', NULL), p_traceparent);
        PERFORM billing_emit_crossings(p_account, v_tenant, NULL, v_after + v_fee, v_after, v_threshold, p_traceparent);
    END IF;
    RETURN true;
END $$;

CREATE FUNCTION billing_record_usage(p_tenant uuid, p_location uuid, p_user uuid, p_session text, p_operation text,
    p_tokens bigint, p_description text, p_key text, p_traceparent text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
    v_account uuid;
    v_after bigint;
    v_threshold bigint;
BEGIN
    INSERT INTO token_accounts (id, tenant_id, location_id) VALUES (gen_random_uuid(), p_tenant, NULL)
        ON CONFLICT (tenant_id, coalesce(location_id, '00000000-0000-0000-0000-000000000000')) DO NOTHING;
    v_account := billing_paying_account(p_tenant, p_location);
    INSERT INTO ledger_entries (account_id, kind, amount, entry_key)
        VALUES (v_account, 'usage', -p_tokens, 'usage:' || p_key)
        ON CONFLICT (account_id, entry_key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN 'duplicate';
    END IF;
    UPDATE token_accounts a SET available_tokens = a.available_tokens - p_tokens,
            total_tokens_used = a.total_tokens_used + p_tokens, updated_at = now()
        WHERE a.id = v_account RETURNING a.available_tokens, a.low_balance_threshold INTO v_after, v_threshold;
    INSERT INTO token_usage_logs (tenant_id, location_id, user_id, session_id, operation_type, tokens_used, description, metadata)
        VALUES (p_tenant, p_location, p_user, p_session, p_operation, p_tokens, p_description, jsonb_build_object('reportId', p_key));
    IF p_tokens > 0 THEN
        PERFORM billing_emit('TokensDebited', p_tenant, json_build_object('locationId', p_location, 'accountId', v_account,
            'operationType', p_operation, 'tokens', p_tokens, 'availableTokens', v_after, 'operations', 1, 'holdIds', NULL), p_traceparent);
        PERFORM billing_emit_crossings(v_account, p_tenant, p_location, v_after + p_tokens, v_after, v_threshold, p_traceparent);
    END IF;
    RETURN 'recorded';
END $$;

-- As in 0006, staging its events' parts.
CREATE FUNCTION billing_place_holds(
    h_ids uuid[], h_tenants uuid[], h_locations uuid[], h_operations text[], h_quantities bigint[], h_keys text[],
    h_ttls integer[], h_users uuid[], h_sessions text[], h_descriptions text[], h_metadata jsonb[], h_traceparents text[])
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
        INSERT INTO event_bus_outbox (id, event_id, topic, subject, tenant_id, data, traceparent)
            SELECT e.id, e.id, e.type, e.tenant, e.tenant, e.data, e.trace
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

-- As in 0006, staging its events' parts.
CREATE FUNCTION billing_settle_holds(s_ids uuid[], s_kinds text[], s_finals bigint[], s_traceparents text[])
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
        INSERT INTO event_bus_outbox (id, event_id, topic, subject, tenant_id, data, traceparent)
        SELECT g.event_id, g.event_id, 'TokensDebited', g.tenant_id, g.tenant_id, json_build_object(
                'locationId', g.location_id, 'accountId', g.account_id, 'operationType', g.operation_type, 'tokens', g.tokens,
                'availableTokens', g.available, 'operations', g.operations, 'holdIds', g.hold_ids), g.trace
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
