-- The monthly fee without surprises (issue 13). The fee of a month is charged by the first purchase of that month, in
-- the purchase's own transaction, so the purchase answer says what it took; the monthly job charges only tenants that
-- buy nothing that month. A purchase that carries the fee must cover it: when balance + amount < fee, it is refused
-- and writes nothing (not even the account it would have opened), and the answer names the fee and the least amount
-- that covers it. An account that never bought anything (opened by reported usage) is not charged by the job: its first
-- purchase pays its first month. The account keeps when its last fee was charged and what it took, for the balance and
-- for a refused hold that names the fee. Both functions start from their last bodies (0004 for billing_purchase, 0007
-- for billing_charge_monthly_fee).

ALTER TABLE token_accounts
    ADD COLUMN last_monthly_fee_at timestamptz,
    ADD COLUMN last_monthly_fee_tokens bigint;
UPDATE token_accounts a SET last_monthly_fee_at = l.created_at, last_monthly_fee_tokens = -l.amount
    FROM ledger_entries l
    WHERE l.account_id = a.id AND l.entry_key = 'monthly-fee:' || to_char(a.last_monthly_fee_date, 'YYYY-MM');

DROP FUNCTION billing_charge_monthly_fee(uuid, date, text);
DROP FUNCTION billing_purchase(uuid, uuid, bigint, text);

-- p_charged_by ('purchase' or 'monthly job') goes into the usage log, so a tenant can tell why the fee was taken then.
CREATE FUNCTION billing_charge_monthly_fee(p_account uuid, p_month date, p_charged_by text, p_traceparent text) RETURNS boolean
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
            last_monthly_fee_date = p_month, last_monthly_fee_at = now(), last_monthly_fee_tokens = v_fee, updated_at = now()
        WHERE a.id = p_account AND a.location_id IS NULL
            AND (a.last_monthly_fee_date < p_month OR (a.last_monthly_fee_date IS NULL AND a.total_tokens_purchased > 0))
        RETURNING a.available_tokens, a.low_balance_threshold INTO v_after, v_threshold;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO ledger_entries (account_id, kind, amount, entry_key, balance_after)
        VALUES (p_account, 'fee', -v_fee, 'monthly-fee:' || to_char(p_month, 'YYYY-MM'), v_after);
    INSERT INTO token_usage_logs (tenant_id, operation_type, tokens_used, description, metadata)
        VALUES (v_tenant, 'monthly_fee', v_fee, 'Monthly fee ' || to_char(p_month, 'YYYY-MM') || ', charged by the ' || p_charged_by,
            jsonb_build_object('month', to_char(p_month, 'YYYY-MM'), 'chargedBy', p_charged_by, 'availableTokensAfter', v_after));
    IF v_fee > 0 THEN
        PERFORM billing_emit('TokensDebited', v_tenant, json_build_object('locationId', NULL, 'accountId', p_account,
            'operationType', 'monthly_fee', 'tokens', v_fee, 'availableTokens', v_after, 'operations', 1, 'holdIds', NULL), p_traceparent);
        PERFORM billing_emit_crossings(p_account, v_tenant, NULL, v_after + v_fee, v_after, v_threshold, p_traceparent);
    END IF;
    RETURN true;
END $$;

-- A purchase opens the account if needed; a repeated key answers the first purchase's outcome and adds nothing.
-- p_fee_month (NULL when the fee is off) is the caller's month: a tenant account not yet charged for it pays the fee
-- here, after the purchase. o_fee_charged: what the fee took (for a repeat: what it took in the first purchase);
-- o_fee_due: the fee a refused purchase ('fee_not_covered') had to cover.
CREATE FUNCTION billing_purchase(p_tenant uuid, p_location uuid, p_amount bigint, p_key text, p_fee_month date, p_traceparent text)
RETURNS TABLE (o_outcome text, o_account_id uuid, o_amount bigint, o_available bigint, o_total_purchased bigint,
    o_fee_charged bigint, o_fee_due bigint)
LANGUAGE plpgsql AS $$
DECLARE
    v_opened uuid;
    v_account uuid;
    v_before bigint;
    v_last_fee date;
    v_amount bigint;
    v_after bigint;
    v_total bigint;
    v_at timestamptz;
    v_fee bigint := 0;
    v_fee_after bigint;
    v_fee_due boolean;
BEGIN
    -- A new location account starts with its tenant's low-balance threshold.
    INSERT INTO token_accounts (id, tenant_id, location_id, low_balance_threshold)
        SELECT gen_random_uuid(), p_tenant, p_location, coalesce(
            (SELECT t.low_balance_threshold FROM token_accounts t WHERE t.tenant_id = p_tenant AND t.location_id IS NULL), 100)
        ON CONFLICT (tenant_id, coalesce(location_id, '00000000-0000-0000-0000-000000000000')) DO NOTHING
        RETURNING id INTO v_opened;
    -- The row lock serializes purchases (and fees) of one account, so checking then inserting is race-free.
    SELECT a.id, a.available_tokens, a.last_monthly_fee_date, a.total_tokens_purchased
        INTO v_account, v_before, v_last_fee, v_total FROM token_accounts a
        WHERE a.tenant_id = p_tenant AND a.location_id IS NOT DISTINCT FROM p_location FOR UPDATE;
    IF p_key IS NOT NULL THEN
        SELECT l.amount, l.balance_after, l.created_at INTO v_amount, v_after, v_at FROM ledger_entries l
            WHERE l.account_id = v_account AND l.entry_key = 'purchase:' || p_key;
        IF FOUND THEN
            -- The fee that purchase paid is the fee row of its transaction (rows of one transaction share now()).
            SELECT -f.amount, f.balance_after INTO v_fee, v_fee_after FROM ledger_entries f
                WHERE f.account_id = v_account AND f.created_at = v_at AND f.kind = 'fee'
                    AND f.entry_key IN ('monthly-fee:' || to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM'),
                                        'monthly-fee:' || to_char(v_last_fee, 'YYYY-MM'));
            RETURN QUERY SELECT 'existing', v_account, v_amount, coalesce(v_fee_after, v_after), v_total, coalesce(v_fee, 0), 0::bigint;
            RETURN;
        END IF;
    END IF;
    v_fee_due := p_fee_month IS NOT NULL AND p_location IS NULL AND (v_last_fee IS NULL OR v_last_fee < p_fee_month);
    IF v_fee_due THEN
        v_fee := coalesce(billing_cost(p_tenant, 'monthly_fee'), 0);
        IF v_before + p_amount < v_fee THEN
            IF v_opened IS NOT NULL THEN
                DELETE FROM token_accounts WHERE id = v_opened;
                v_account := NULL;
            END IF;
            RETURN QUERY SELECT 'fee_not_covered', v_account, p_amount, v_before, v_total, 0::bigint, v_fee;
            RETURN;
        END IF;
    END IF;
    UPDATE token_accounts a SET available_tokens = a.available_tokens + p_amount,
            total_tokens_purchased = a.total_tokens_purchased + p_amount, exhausted_notified = false, updated_at = now()
        WHERE a.id = v_account RETURNING a.available_tokens, a.total_tokens_purchased INTO v_after, v_total;
    INSERT INTO ledger_entries (account_id, kind, amount, entry_key, balance_after)
        VALUES (v_account, 'purchase', p_amount, 'purchase:' || p_key, v_after);
    IF v_fee_due THEN
        PERFORM billing_charge_monthly_fee(v_account, p_fee_month, 'purchase', p_traceparent);
    END IF;
    RETURN QUERY SELECT 'purchased', v_account, p_amount, v_after - v_fee, v_total, v_fee, 0::bigint;
END $$;
