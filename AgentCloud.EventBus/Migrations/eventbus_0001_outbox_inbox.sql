-- Shipped by AgentCloud.EventBus; applied to the database of every service that calls AddOutboxInbox<TContext>().
CREATE TABLE event_bus_outbox (
    id uuid PRIMARY KEY,
    topic text NOT NULL,
    cloud_event text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    published_at timestamptz NULL,
    attempts integer NOT NULL DEFAULT 0);

CREATE INDEX event_bus_outbox_unpublished ON event_bus_outbox (created_at) WHERE published_at IS NULL;

CREATE TABLE event_bus_inbox (
    consumer text NOT NULL,
    event_id text NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id));

CREATE INDEX event_bus_inbox_processed_at ON event_bus_inbox (processed_at);
