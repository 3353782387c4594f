CREATE TABLE debits (
    event_id text PRIMARY KEY,
    tokens bigint NOT NULL);
