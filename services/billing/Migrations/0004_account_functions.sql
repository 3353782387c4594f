-- Purchases, the monthly fee and usage reported after the fact.

-- A purchase opens the account if needed; a repeated key answers the first purchase's outcome and adds nothing.
CREATE FUNCTION billing_purchase(p_tenant uuid, p_location uuid, p_amount bigint, p_key text)
RETURNS TABLE (o_outcome text, o_account_id uuid, o_amount bigint, o_available bigint, o_total_purchased bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_account uuid;
    v_amount bigint;
    v_after bigint;
    v_total bigint;
BEGIN
    -- A new location account starts with its tenant's low-balance threshold.
    INSERT INTO token_accounts (id, tenant_id, location_id, low_balance_threshold)
        SELECT gen_random_uuid(), p_tenant, p_location, coalesce(
            (SELECT t.low_balance_threshold FROM token_accounts t WHERE t.tenant_id = p_tenant AND t.location_id IS NULL), 100)
        ON CONFLICT (tenant_id, coalesce(location_id, '00000000-0000-0000-0000-000000000000')) DO NOTHING;
    -- The row lock serializes purchases of one account, so checking the key then inserting it is race-free.
    SELECT a.id INTO v_account FROM token_accounts a
        WHERE a.tenant_id = p_tenant AND a.location_id IS NOT DISTINCT FROM p_location FOR UPDATE;
    IF p_key IS NOT NULL THEN
        SELECT l.amount, l.balance_after INTO v_amount, v_after FROM ledger_entries l
            WHERE l.account_id = v_account AND l.entry_key = 'purchase:' || p_key;
        IF FOUND THEN
            RETURN QUERY SELECT 'existing', v_account, v_amount, v_after, a.total_tokens_purchased
                FROM token_accounts a WHERE a.id = v_account;
            RETURN;
        END IF;
    END IF;
    UPDATE token_accounts a SET available_tokens = a.available_tokens + p_amount,
            total_tokens_purchased = a.total_tokens_purchased + p_amount, exhausted_notified = false, updated_at = now()
        WHERE a.id = v_account RETURNING a.available_tokens, a.total_tokens_purchased INTO v_after, v_total;
    INSERT INTO ledger_entries (account_id, kind, amount, entry_key, balance_after)
        VALUES (v_account, 'purchase', p_amount, 'purchase:' || p_key, v_after);
    RETURN QUERY SELECT 'purchased', v_account, p_amount, v_after, v_total;
END $$;

-- The fee of p_month for one tenant account. last_monthly_fee_date, checked under the row lock, makes a second replica
-- (or a restart) charging the same month find nothing to do; the ledger's unique monthly-fee key would refuse it too.
-- The fee is charged even when the balance cannot cover it: the account goes negative and holds are refused until a
-- purchase brings it back above what they need.
CREATE FUNCTION billing_charge_monthly_fee(p_account uuid, p_month date, p_source text, p_traceparent text) RETURNS boolean
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
        PERFORM billing_emit('TokensDebited', v_tenant, jsonb_build_object('accountId', p_account,
            'operationType', 'monthly_fee', 'tokens', v_fee, 'availableTokens', v_after), p_source, p_traceparent);
        PERFORM billing_emit_crossings(p_account, v_tenant, NULL, v_after + v_fee, v_after, v_threshold, p_source, p_traceparent);
    END IF;
    RETURN true;
END $$;

-- Usage another service reports after the operation ran: it is charged even into a negative balance (it happened);
-- p_key (the event id) makes a redelivery a no-op.
CREATE FUNCTION billing_record_usage(p_tenant uuid, p_location uuid, p_user uuid, p_session text, p_operation text,
    p_tokens bigint, p_description text, p_key text, p_source text, p_traceparent text) RETURNS text
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
        PERFORM billing_emit('TokensDebited', p_tenant, jsonb_build_object('locationId', p_location,
            'accountId', v_account, 'operationType', p_operation, 'tokens', p_tokens, 'availableTokens', v_after), p_source, p_traceparent);
        PERFORM billing_emit_crossings(v_account, p_tenant, p_location, v_after + p_tokens, v_after, v_threshold, p_source, p_traceparent);
    END IF;
    RETURN 'recorded';
END $$;
