-- Who a trigger acts for, where its events go, its listener and webhook secret, and versions for cache invalidation.
ALTER TABLE triggers
    ADD COLUMN user_id uuid,
    ADD COLUMN conversation_id uuid,
    ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD COLUMN listener_key text,
    ADD COLUMN webhook_secret text,
    ADD COLUMN completed_at timestamptz;
CREATE INDEX triggers_tenant ON triggers (tenant_id, created_at);
CREATE INDEX triggers_listener ON triggers (listener_key) WHERE listener_key IS NOT NULL;

-- The durable timer schedule: one row per active timer with a tick ahead, claimed FOR UPDATE SKIP LOCKED.
CREATE TABLE timer_schedules (
    trigger_id uuid PRIMARY KEY REFERENCES triggers (id) ON DELETE CASCADE,
    next_fire_at timestamptz NOT NULL,
    version integer NOT NULL);
CREATE INDEX timer_schedules_due ON timer_schedules (next_fire_at);

-- Every fire (and every skipped misfire): the id is the TriggerFired event's id; (trigger, dedupe key) never repeats.
CREATE TABLE trigger_events (
    trigger_id uuid NOT NULL,
    id uuid NOT NULL,
    tenant_id uuid NOT NULL,
    dedupe_key text NOT NULL,
    outcome text NOT NULL,
    scheduled_for timestamptz,
    fired_at timestamptz NOT NULL,
    payload jsonb,
    PRIMARY KEY (trigger_id, id),
    UNIQUE (trigger_id, dedupe_key));
CREATE INDEX trigger_events_fired_at ON trigger_events USING brin (fired_at);

-- Polling listeners, shared by triggers with the same key; leased to one replica per poll.
CREATE TABLE listeners (
    key text PRIMARY KEY,
    tenant_id uuid NOT NULL,
    system text NOT NULL,
    credential_id uuid,
    next_poll_at timestamptz NOT NULL,
    leased_until timestamptz,
    leased_by text,
    failures integer NOT NULL DEFAULT 0,
    last_error text,
    last_polled_at timestamptz,
    cursor jsonb,
    credential_changed_at timestamptz);
CREATE INDEX listeners_due ON listeners (next_poll_at);
CREATE INDEX listeners_credential ON listeners (credential_id) WHERE credential_id IS NOT NULL;

-- Items a listener has already seen (dedupe across polls, restarts and replicas).
CREATE TABLE listener_seen_items (
    listener_key text NOT NULL REFERENCES listeners (key) ON DELETE CASCADE,
    item_key text NOT NULL,
    last_seen_at timestamptz NOT NULL,
    PRIMARY KEY (listener_key, item_key));
CREATE INDEX listener_seen_items_last_seen ON listener_seen_items (last_seen_at);
