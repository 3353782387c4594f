-- Holds: reserve (debit now), then commit (refund the unused part) or release/expire (refund all).
-- total_tokens_used counts a hold when it is placed and gives back whatever a commit, release or expiry refunds, so a
-- commit of the whole hold (the common case) writes nothing to the account row: the hot row is locked only by holds.
-- Reads subtract the tokens still held (see the balance API).

CREATE FUNCTION billing_place_hold(
    p_hold_id uuid, p_tenant uuid, p_location uuid, p_operation text, p_quantity bigint, p_key text, p_ttl_seconds integer,
    p_user uuid, p_session text, p_description text, p_metadata jsonb, p_source text, p_traceparent text)
RETURNS TABLE (o_outcome text, o_hold_id uuid, o_account_id uuid, o_amount bigint, o_status text, o_available bigint, o_expires_at timestamptz)
LANGUAGE plpgsql AS $$
DECLARE
    v_cost bigint;
    v_amount bigint;
    v_account uuid;
    v_entry bigint;
    v_after bigint;
    v_threshold bigint;
    v_expires timestamptz := now() + make_interval(secs => p_ttl_seconds);
BEGIN
    v_cost := billing_cost(p_tenant, p_operation);
    IF v_cost IS NULL THEN
        RETURN QUERY SELECT 'unknown_operation', NULL::uuid, NULL::uuid, 0::bigint, NULL::text, 0::bigint, NULL::timestamptz;
        RETURN;
    END IF;
    v_amount := v_cost * p_quantity;
    v_account := billing_paying_account(p_tenant, p_location);
    IF v_account IS NULL THEN
        RETURN QUERY SELECT 'insufficient', NULL::uuid, NULL::uuid, v_amount, NULL::text, 0::bigint, NULL::timestamptz;
        RETURN;
    END IF;

    INSERT INTO token_holds (id, account_id, tenant_id, location_id, user_id, session_id, operation_type, amount, status,
        idempotency_key, description, metadata, expires_at)
    VALUES (p_hold_id, v_account, p_tenant, p_location, p_user, p_session, p_operation, v_amount, 'held',
        p_key, p_description, p_metadata, v_expires)
    ON CONFLICT (tenant_id, idempotency_key) DO NOTHING;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'existing', h.id, h.account_id, h.amount, h.status, a.available_tokens, h.expires_at
            FROM token_holds h JOIN token_accounts a ON a.id = h.account_id
            WHERE h.tenant_id = p_tenant AND h.idempotency_key = p_key;
        RETURN;
    END IF;
    INSERT INTO ledger_entries (account_id, kind, amount, hold_id) VALUES (v_account, 'hold', -v_amount, p_hold_id)
        RETURNING id INTO v_entry;

    UPDATE token_accounts a SET available_tokens = a.available_tokens - v_amount,
            total_tokens_used = a.total_tokens_used + v_amount, updated_at = now()
        WHERE a.id = v_account AND a.available_tokens >= v_amount
        RETURNING a.available_tokens, a.low_balance_threshold INTO v_after, v_threshold;
    IF NOT FOUND THEN
        DELETE FROM ledger_entries WHERE id = v_entry;
        DELETE FROM token_holds WHERE id = p_hold_id;
        -- Tell once per episode that the account cannot pay; a purchase re-arms it.
        UPDATE token_accounts a SET exhausted_notified = true WHERE a.id = v_account AND NOT a.exhausted_notified
            RETURNING a.available_tokens INTO v_after;
        IF FOUND THEN
            PERFORM billing_emit('BalanceExhausted', p_tenant, jsonb_build_object('locationId', p_location,
                'accountId', v_account, 'availableTokens', v_after), p_source, p_traceparent);
        ELSE
            SELECT a.available_tokens INTO v_after FROM token_accounts a WHERE a.id = v_account;
        END IF;
        RETURN QUERY SELECT 'insufficient', NULL::uuid, v_account, v_amount, NULL::text, v_after, NULL::timestamptz;
        RETURN;
    END IF;
    IF v_amount > 0 AND ((v_after < v_threshold AND v_after + v_amount >= v_threshold) OR (v_after <= 0 AND v_after + v_amount > 0)) THEN
        PERFORM billing_emit_crossings(v_account, p_tenant, p_location, v_after + v_amount, v_after, v_threshold, p_source, p_traceparent);
    END IF;
    RETURN QUERY SELECT 'held', p_hold_id, v_account, v_amount, 'held'::text, v_after, v_expires;
END $$;

-- Release (p_status 'released') or expiry (p_status 'expired', only once expires_at has passed): refund the whole hold.
CREATE FUNCTION billing_settle_hold(p_hold_id uuid, p_status text)
RETURNS TABLE (o_outcome text, o_hold_id uuid, o_account_id uuid, o_amount bigint, o_committed bigint, o_status text, o_available bigint)
LANGUAGE plpgsql AS $$
DECLARE
    h token_holds;
    v_after bigint;
BEGIN
    UPDATE token_holds t SET status = p_status, settled_at = now()
        WHERE t.id = p_hold_id AND t.status = 'held' AND (p_status = 'released' OR t.expires_at <= now())
        RETURNING t.* INTO h;
    IF FOUND THEN
        INSERT INTO ledger_entries (account_id, kind, amount, hold_id)
            VALUES (h.account_id, CASE p_status WHEN 'released' THEN 'release' ELSE 'expiry' END, h.amount, h.id);
        UPDATE token_accounts a SET available_tokens = a.available_tokens + h.amount,
                total_tokens_used = a.total_tokens_used - h.amount, updated_at = now()
            WHERE a.id = h.account_id RETURNING a.available_tokens INTO v_after;
        RETURN QUERY SELECT p_status, h.id, h.account_id, h.amount, NULL::bigint, p_status, v_after;
        RETURN;
    END IF;
    SELECT t.* INTO h FROM token_holds t WHERE t.id = p_hold_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found', p_hold_id, NULL::uuid, 0::bigint, NULL::bigint, NULL::text, 0::bigint;
        RETURN;
    END IF;
    SELECT a.available_tokens INTO v_after FROM token_accounts a WHERE a.id = h.account_id;
    RETURN QUERY SELECT CASE WHEN h.status = p_status THEN 'already_' || p_status ELSE h.status END,
        h.id, h.account_id, h.amount, h.committed_amount, h.status, v_after;
END $$;

-- Commit: the operation ran; charge p_final (default: the held amount; never more) and refund the rest.
CREATE FUNCTION billing_commit_hold(p_hold_id uuid, p_final bigint, p_source text, p_traceparent text)
RETURNS TABLE (o_outcome text, o_hold_id uuid, o_account_id uuid, o_amount bigint, o_committed bigint, o_status text, o_available bigint)
LANGUAGE plpgsql AS $$
DECLARE
    h token_holds;
    v_after bigint;
    v_refund bigint;
BEGIN
    UPDATE token_holds t SET status = 'committed', committed_amount = coalesce(p_final, t.amount), settled_at = now()
        WHERE t.id = p_hold_id AND t.status = 'held' AND t.expires_at > now() AND coalesce(p_final, t.amount) <= t.amount
        RETURNING t.* INTO h;
    IF FOUND THEN
        v_refund := h.amount - h.committed_amount;
        INSERT INTO token_usage_logs (tenant_id, location_id, user_id, session_id, operation_type, tokens_used, description, metadata, hold_id)
            VALUES (h.tenant_id, h.location_id, h.user_id, h.session_id, h.operation_type, h.committed_amount, h.description, h.metadata, h.id);
        IF v_refund > 0 THEN
            -- Only a commit below the held amount moves tokens: it writes the ledger row of the refund.
            INSERT INTO ledger_entries (account_id, kind, amount, hold_id) VALUES (h.account_id, 'commit', v_refund, h.id);
            UPDATE token_accounts a SET available_tokens = a.available_tokens + v_refund,
                    total_tokens_used = a.total_tokens_used - v_refund, updated_at = now()
                WHERE a.id = h.account_id RETURNING a.available_tokens INTO v_after;
        ELSE
            SELECT a.available_tokens INTO v_after FROM token_accounts a WHERE a.id = h.account_id;
        END IF;
        IF h.committed_amount > 0 THEN
            PERFORM billing_emit('TokensDebited', h.tenant_id, jsonb_build_object('locationId', h.location_id,
                'accountId', h.account_id, 'holdId', h.id, 'operationType', h.operation_type, 'tokens', h.committed_amount,
                'availableTokens', v_after), p_source, p_traceparent);
        END IF;
        RETURN QUERY SELECT 'committed', h.id, h.account_id, h.amount, h.committed_amount, h.status, v_after;
        RETURN;
    END IF;
    SELECT t.* INTO h FROM token_holds t WHERE t.id = p_hold_id;
    IF NOT FOUND THEN
        RETURN QUERY SELECT 'not_found', p_hold_id, NULL::uuid, 0::bigint, NULL::bigint, NULL::text, 0::bigint;
        RETURN;
    END IF;
    IF h.status = 'held' AND h.expires_at <= now() THEN
        -- Too late: the reservation lapses now rather than at the next sweep.
        RETURN QUERY SELECT 'expired', s.o_hold_id, s.o_account_id, s.o_amount, s.o_committed, 'expired'::text, s.o_available
            FROM billing_settle_hold(p_hold_id, 'expired') s;
        RETURN;
    END IF;
    SELECT a.available_tokens INTO v_after FROM token_accounts a WHERE a.id = h.account_id;
    RETURN QUERY SELECT CASE h.status WHEN 'committed' THEN 'already_committed' WHEN 'held' THEN 'exceeds_hold' ELSE h.status END,
        h.id, h.account_id, h.amount, h.committed_amount, h.status, v_after;
END $$;
