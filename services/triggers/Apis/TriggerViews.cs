using System.Text.Json;
using AgentCloud.Contracts.Triggers;
using AgentCloud.Triggers.Infrastructure;
using AgentCloud.Triggers.Model;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Triggers.Apis;

/// <summary>Triggers as the API shows them: with their next tick, their webhook URL or their shared listener's state.</summary>
public static class TriggerViews
{
    public static async Task<List<TriggerDetails>> ShowAsync(
        TriggersDbContext db, IReadOnlyList<Trigger> triggers, string webhookBase, CancellationToken cancellationToken)
    {
        var ids = triggers.Select(t => t.Id).ToArray();
        var keys = triggers.Where(t => t.ListenerKey is not null).Select(t => t.ListenerKey!).Distinct().ToArray();
        var ticks = await db.TimerSchedules.AsNoTracking().Where(s => ids.Contains(s.TriggerId))
            .ToDictionaryAsync(s => s.TriggerId, s => s.NextFireAt, cancellationToken);
        var listeners = keys.Length == 0 ? [] : await db.Listeners.AsNoTracking().Where(l => keys.Contains(l.Key))
            .ToDictionaryAsync(l => l.Key, cancellationToken);
        var sharing = keys.Length == 0 ? [] : await db.Triggers.AsNoTracking().Where(t => t.Active && keys.Contains(t.ListenerKey!))
            .GroupBy(t => t.ListenerKey!).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return [.. triggers.Select(t => Show(t, webhookBase, ticks.TryGetValue(t.Id, out var tick) ? tick : null,
            t.ListenerKey is { } key && listeners.TryGetValue(key, out var state)
                ? new TriggerListener(sharing.GetValueOrDefault(key), state.NextPollAt, state.LastPolledAt, state.Failures, state.LastError)
                : null))];
    }

    public static TriggerDetails Show(Trigger t, string webhookBase, DateTimeOffset? nextFireAt, TriggerListener? listener, string? secret = null)
    {
        using var options = JsonDocument.Parse(t.Options);
        return new TriggerDetails(t.Id, t.TenantId, t.AgentId, t.UserId, t.System, t.CredentialId, options.RootElement.Clone(), t.Active,
            t.ConversationId, t.CreatedAt, t.UpdatedAt, t.CompletedAt, nextFireAt,
            t.System == TriggerSystems.Webhook ? new TriggerWebhook($"{webhookBase.TrimEnd('/')}/hooks/{t.Id}", secret) : null,
            listener);
    }

    /// <summary>Where senders reach this service: <c>Triggers:PublicBaseUrl</c>, or the request's own scheme and host.</summary>
    public static string WebhookBase(HttpRequest request, string? configured) => configured ?? $"{request.Scheme}://{request.Host}";
}
