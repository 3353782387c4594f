-- The outbox keeps each event's parts instead of its CloudEvent JSON: the relay builds the envelope (one definition, in
-- C#), whether C# or a service's own SQL (billing's ledger functions) staged the row. Rows already there are converted.
ALTER TABLE event_bus_outbox
    ADD COLUMN event_id text,
    ADD COLUMN time timestamptz,
    ADD COLUMN subject text,
    ADD COLUMN tenant_id text,
    ADD COLUMN data json,
    ADD COLUMN traceparent text,
    ADD COLUMN tracestate text;

UPDATE event_bus_outbox o SET
    event_id = e ->> 'id', time = (e ->> 'time')::timestamptz, subject = e ->> 'subject', tenant_id = e ->> 'tenantid',
    data = e -> 'data', traceparent = e ->> 'traceparent', tracestate = e ->> 'tracestate'
FROM (SELECT id, cloud_event::json AS e FROM event_bus_outbox) staged
WHERE staged.id = o.id;

ALTER TABLE event_bus_outbox
    DROP COLUMN cloud_event,
    ALTER COLUMN event_id SET NOT NULL,
    ALTER COLUMN time SET NOT NULL,
    ALTER COLUMN time SET DEFAULT now(),
    ALTER COLUMN data SET NOT NULL;
