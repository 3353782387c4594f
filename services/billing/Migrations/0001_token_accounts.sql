-- Seed 002 business_tokens: one account per tenant, optionally one per location.
CREATE TABLE token_accounts (
    id uuid PRIMARY KEY,
    tenant_id uuid NOT NULL,
    location_id uuid,
    available_tokens bigint NOT NULL DEFAULT 0,
    total_tokens_purchased bigint NOT NULL DEFAULT 0,
    total_tokens_used bigint NOT NULL DEFAULT 0,
    last_monthly_fee_date date,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX token_accounts_owner ON token_accounts (tenant_id, coalesce(location_id, '00000000-0000-0000-0000-000000000000'));
