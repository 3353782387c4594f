using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>Hold/commit/release with per-tenant balances, as the billing stand-in answers them (402 when short).</summary>
public sealed class StandInBilling
{
    readonly object _gate = new();
    readonly Dictionary<Guid, long> _available = [];
    readonly Dictionary<string, HoldRecord> _byKey = [];

    public ConcurrentDictionary<Guid, HoldRecord> Holds { get; } = new();

    public sealed record HoldRecord(Guid Id, Guid TenantId, long Amount, string IdempotencyKey)
    {
        public string State { get; set; } = "held";
    }

    public void SetBalance(Guid tenantId, long tokens)
    {
        lock (_gate) _available[tenantId] = tokens;
    }

    public long Available(Guid tenantId)
    {
        lock (_gate) return _available.GetValueOrDefault(tenantId);
    }

    public IReadOnlyList<HoldRecord> HoldsOf(Guid tenantId) => [.. Holds.Values.Where(h => h.TenantId == tenantId)];

    public IResult Hold(Guid tenantId, long amount, string idempotencyKey)
    {
        lock (_gate)
        {
            if (_byKey.TryGetValue(idempotencyKey, out var existing))
            {
                return Results.Json(new { id = existing.Id, available = _available.GetValueOrDefault(tenantId) }, statusCode: 201);
            }
            var available = _available.GetValueOrDefault(tenantId);
            if (available < amount)
            {
                return Results.Problem($"Insufficient tokens: {available} available, {amount} needed.", statusCode: 402);
            }
            _available[tenantId] = available - amount;
            var hold = new HoldRecord(Guid.NewGuid(), tenantId, amount, idempotencyKey);
            _byKey[idempotencyKey] = hold;
            Holds[hold.Id] = hold;
            return Results.Json(new { id = hold.Id, available = available - amount }, statusCode: 201);
        }
    }

    public IResult Settle(Guid holdId, string action)
    {
        lock (_gate)
        {
            if (!Holds.TryGetValue(holdId, out var hold)) return Results.NotFound();
            if (hold.State != "held") return Results.Ok(new { id = hold.Id, state = hold.State });
            if (action == "release")
            {
                _available[hold.TenantId] += hold.Amount;
                hold.State = "released";
            }
            else if (action == "commit")
            {
                hold.State = "committed";
            }
            else
            {
                return Results.NotFound();
            }
            return Results.Ok(new { id = hold.Id, state = hold.State });
        }
    }
}
