-- The token ledger. Every change of token_accounts.available_tokens is one row of ledger_entries (amount = the signed
-- change), written in the same transaction, so sum(ledger_entries.amount) per account = available_tokens always.
-- The hot paths (hold, commit, release, purchase, fee, usage) are single PL/pgSQL calls: one round trip, one
-- transaction, the account row locked as late and as briefly as possible, never an overdraft.

ALTER TABLE token_accounts
    ADD COLUMN low_balance_threshold bigint NOT NULL DEFAULT 100,
    ADD COLUMN exhausted_notified boolean NOT NULL DEFAULT false,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();

CREATE TABLE operation_costs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid,                         -- NULL: the platform default (seed 002); otherwise the tenant's plan
    operation_type text NOT NULL,
    tokens bigint NOT NULL CHECK (tokens >= 0));
CREATE UNIQUE INDEX operation_costs_owner ON operation_costs (coalesce(tenant_id, '00000000-0000-0000-0000-000000000000'), operation_type);

INSERT INTO operation_costs (tenant_id, operation_type, tokens) VALUES
    (NULL, 'whatsapp_conversation', 10),
    (NULL, 'sms', 1),
    (NULL, 'email', 1),
    (NULL, 'elevenlabs_call', 50),
    (NULL, 'internal_api_llm', 1),
    (NULL, 'monthly_fee', 200);

-- No foreign keys to token_accounts on the hot tables: each FK check takes FOR KEY SHARE on the account row, which
-- the same transaction then updates, and on a hot account that turns every hold into a MultiXact (measured here: 4x
-- slower). Account ids come only from token_accounts rows inside the ledger functions, and accounts are never deleted.
CREATE TABLE ledger_entries (
    id bigserial PRIMARY KEY,
    account_id uuid NOT NULL,
    kind text NOT NULL CHECK (kind IN ('purchase', 'hold', 'commit', 'release', 'expiry', 'fee', 'usage', 'adjustment')),
    amount bigint NOT NULL,
    hold_id uuid,
    entry_key text,                         -- idempotency: purchase:{key}, monthly-fee:{yyyy-MM}, usage:{event id}
    balance_after bigint,
    created_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, entry_key));     -- also the index by account (verification sums by account_id)

CREATE TABLE token_holds (
    id uuid PRIMARY KEY,
    account_id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    location_id uuid,                       -- the location in scope (the paying account may be the tenant's)
    user_id uuid,
    session_id text,
    operation_type text NOT NULL,
    amount bigint NOT NULL CHECK (amount >= 0),
    committed_amount bigint,
    status text NOT NULL CHECK (status IN ('held', 'committed', 'released', 'expired')),
    idempotency_key text NOT NULL,
    description text,
    metadata jsonb,
    expires_at timestamptz NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    settled_at timestamptz,
    UNIQUE (tenant_id, idempotency_key));
CREATE INDEX token_holds_expiring ON token_holds (expires_at) WHERE status = 'held';

CREATE TABLE token_usage_logs (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id uuid NOT NULL,
    location_id uuid,
    user_id uuid,
    session_id text,
    operation_type text NOT NULL,
    tokens_used bigint NOT NULL,
    description text,
    metadata jsonb,
    hold_id uuid,
    created_at timestamptz NOT NULL DEFAULT now());
CREATE INDEX token_usage_logs_tenant ON token_usage_logs (tenant_id, created_at DESC);

-- Stages a CloudEvent in the event bus outbox (same shape CloudEventSerializer writes), in the caller's transaction.
-- plpgsql, not sql: the outbox table comes from the event bus's own script, which sorts after this one.
CREATE FUNCTION billing_emit(p_type text, p_tenant uuid, p_data jsonb, p_source text, p_traceparent text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid := gen_random_uuid();
BEGIN
    INSERT INTO event_bus_outbox (id, topic, cloud_event, created_at)
    VALUES (v_id, p_type, jsonb_strip_nulls(jsonb_build_object(
        'specversion', '1.0', 'id', v_id::text, 'source', p_source, 'type', p_type,
        'time', to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"'),
        'subject', p_tenant::text, 'datacontenttype', 'application/json', 'data', p_data,
        'traceparent', p_traceparent, 'tenantid', p_tenant::text))::text, now());
END $$;

-- BalanceLow when a debit crosses the tenant's threshold; BalanceExhausted when it reaches zero or below.
CREATE FUNCTION billing_emit_crossings(p_account uuid, p_tenant uuid, p_location uuid, p_before bigint, p_after bigint,
    p_threshold bigint, p_source text, p_traceparent text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_before >= p_threshold AND p_after < p_threshold THEN
        PERFORM billing_emit('BalanceLow', p_tenant, jsonb_build_object('locationId', p_location,
            'accountId', p_account, 'availableTokens', p_after, 'threshold', p_threshold), p_source, p_traceparent);
    END IF;
    IF p_before > 0 AND p_after <= 0 THEN
        UPDATE token_accounts SET exhausted_notified = true WHERE id = p_account;
        PERFORM billing_emit('BalanceExhausted', p_tenant, jsonb_build_object('locationId', p_location,
            'accountId', p_account, 'availableTokens', p_after), p_source, p_traceparent);
    END IF;
END $$;

-- The account that pays when a location is in scope: the location's own account if it has one, else the tenant's.
-- plpgsql rather than sql: PostgreSQL 15 plans a non-inlined sql function's body on every call, plpgsql caches it.
CREATE FUNCTION billing_paying_account(p_tenant uuid, p_location uuid) RETURNS uuid
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT id FROM token_accounts
        WHERE tenant_id = p_tenant AND (location_id IS NULL OR location_id = p_location)
        ORDER BY location_id NULLS LAST LIMIT 1);
END $$;

CREATE FUNCTION billing_cost(p_tenant uuid, p_operation text) RETURNS bigint
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT tokens FROM operation_costs
        WHERE operation_type = p_operation AND (tenant_id IS NULL OR tenant_id = p_tenant)
        ORDER BY tenant_id NULLS LAST LIMIT 1);
END $$;
