using AgentCloud.EventBus.Outbox;
using AgentCloud.Triggers.Infrastructure;
using NpgsqlTypes;

namespace AgentCloud.Triggers.Firing;

/// <summary>
/// Records fires in the trigger's event log and stages their <c>TriggerFired</c> events in the outbox, inside the
/// caller's transaction, so a fire and its event commit together or not at all. A fire whose (trigger, dedupe key) is
/// already in the log is dropped here: that is what makes a retried webhook or a re-polled item start one run.
/// </summary>
public sealed class FireLog(IIntegrationEventOutbox outbox)
{
    public async Task<IReadOnlyList<Fire>> RecordAsync(TriggersDbContext db, IReadOnlyList<Fire> fires, CancellationToken cancellationToken)
    {
        if (fires.Count == 0)
        {
            return [];
        }
        await using var insert = db.Command("""
            INSERT INTO trigger_events (trigger_id, id, tenant_id, dedupe_key, outcome, scheduled_for, fired_at, payload)
            SELECT t, i, tn, k, o, s, f, p::jsonb
            FROM unnest(@triggers, @ids, @tenants, @keys, @outcomes, @scheduled, @fired, @payloads) AS x(t, i, tn, k, o, s, f, p)
            ON CONFLICT (trigger_id, dedupe_key) DO NOTHING
            RETURNING id
            """);
        insert.Parameters.Add(new("triggers", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = fires.Select(f => f.Target.TriggerId).ToArray() });
        insert.Parameters.Add(new("ids", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = fires.Select(f => f.Id).ToArray() });
        insert.Parameters.Add(new("tenants", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = fires.Select(f => f.Target.TenantId).ToArray() });
        insert.Parameters.Add(new("keys", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = fires.Select(f => f.DedupeKey).ToArray() });
        insert.Parameters.Add(new("outcomes", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = fires.Select(f => f.Outcome).ToArray() });
        insert.Parameters.Add(new("scheduled", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = fires.Select(f => f.ScheduledFor?.UtcDateTime).ToArray() });
        insert.Parameters.Add(new("fired", NpgsqlDbType.Array | NpgsqlDbType.TimestampTz) { Value = fires.Select(f => f.FiredAt.UtcDateTime).ToArray() });
        insert.Parameters.Add(new("payloads", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = fires.Select(f => f.Payload.GetRawText()).ToArray() });

        var recorded = new HashSet<Guid>();
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                recorded.Add(reader.GetGuid(0));
            }
        }
        var kept = fires.Where(f => recorded.Contains(f.Id)).ToList();
        foreach (var fire in kept.Where(f => f.Publishes))
        {
            outbox.Add(db, fire.ToEvent());
        }
        await db.SaveChangesAsync(cancellationToken);
        return kept;
    }
}
