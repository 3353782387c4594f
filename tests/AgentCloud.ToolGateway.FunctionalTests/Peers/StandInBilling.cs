using System.Collections.Concurrent;
using AgentCloud.Contracts.Billing;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.ToolGateway.FunctionalTests.Peers;

/// <summary>
/// Hold/commit/release with per-tenant balances, answering billing's real request and response records (402 with
/// <c>requiredTokens</c> and <c>availableTokens</c> when short; 409 to settle a hold the other way), the hold placed
/// with a key (<c>GET /tokens/holds/by-key</c>), and <c>GET /tokens/costs?tenantId=</c> as billing's CostsApi answers a
/// service: its defaults for the operations the gateway bills, overridden by the tenant's prices
/// (<see cref="SetPrice"/>), which holds charge too.
/// </summary>
public sealed class StandInBilling
{
    readonly object _gate = new();
    readonly Dictionary<Guid, long> _available = [];
    readonly Dictionary<string, HoldRecord> _byKey = [];

    public ConcurrentDictionary<Guid, HoldRecord> Holds { get; } = new();

    /// <summary>Tenants whose holds are answered only after this long (the hold is placed at once): a slow billing.</summary>
    public ConcurrentDictionary<Guid, TimeSpan> SlowAnswers { get; } = new();

    /// <summary>Tenants whose refusals say this month's monthly fee (this many tokens) took the balance, as billing's 402 does.</summary>
    public ConcurrentDictionary<Guid, long> FeesTaken { get; } = new();

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

    static readonly Dictionary<string, long> Defaults = new()
    {
        ["email"] = 1, ["sms"] = 1, ["whatsapp_conversation"] = 10, ["phone_call"] = 50, ["http_request"] = 1,
        ["web_search"] = 1, ["mcp_tool"] = 1,
    };

    readonly ConcurrentDictionary<(Guid TenantId, string OperationType), long> _tenantPrices = new();

    /// <summary>The tenants whose costs the gateway asked for, in order.</summary>
    public ConcurrentQueue<Guid?> CostLookups { get; } = new();

    /// <summary>The tenant's plan price for one operation (billing's <c>PUT /tokens/costs/{tenantId}</c>).</summary>
    public void SetPrice(Guid tenantId, string operationType, long tokens) => _tenantPrices[(tenantId, operationType)] = tokens;

    /// <summary>Defaults, with the named tenant's prices winning; no tenant = the defaults.</summary>
    public CostsResponse Costs(Guid? tenantId)
    {
        var costs = new SortedDictionary<string, long>(Defaults);
        foreach (var ((tenant, operation), tokens) in _tenantPrices)
        {
            if (tenant == tenantId)
            {
                costs[operation] = tokens;
            }
        }
        return new CostsResponse(tenantId, costs);
    }

    public IResult Hold(PlaceHoldRequest request)
    {
        if (!Costs(request.TenantId).Costs.TryGetValue(request.OperationType, out var price))
        {
            return Results.ValidationProblem(new Dictionary<string, string[]> { ["operationType"] = ["unknown"] });
        }
        var (tenantId, amount, idempotencyKey) = (request.TenantId, price * (request.Quantity ?? 1), request.IdempotencyKey);
        lock (_gate)
        {
            if (_byKey.TryGetValue(idempotencyKey, out var existing))
            {
                return Results.Json(View(existing), statusCode: 200);
            }
            var available = _available.GetValueOrDefault(tenantId);
            if (available < amount)
            {
                var extensions = new Dictionary<string, object?> { ["availableTokens"] = available, ["requiredTokens"] = amount };
                if (FeesTaken.TryGetValue(tenantId, out var fee))
                {
                    extensions["monthlyFee"] = fee;
                    extensions["monthlyFeeMonth"] = new DateOnly(DateTime.UtcNow.Year, DateTime.UtcNow.Month, 1);
                    extensions["monthlyFeeChargedAt"] = DateTimeOffset.UtcNow;
                }
                return Results.Problem($"Insufficient tokens: {available} available, {amount} needed.", statusCode: 402, extensions: extensions);
            }
            _available[tenantId] = available - amount;
            var hold = new HoldRecord(Guid.NewGuid(), tenantId, amount, idempotencyKey);
            _byKey[idempotencyKey] = hold;
            Holds[hold.Id] = hold;
            return Results.Json(View(hold), statusCode: 201);
        }
    }

    /// <summary>The hold placed with this key (<c>GET /tokens/holds/by-key</c>), as it is now.</summary>
    public IResult FindByKey(Guid tenantId, string idempotencyKey)
    {
        lock (_gate)
        {
            return _byKey.TryGetValue(idempotencyKey, out var hold) && hold.TenantId == tenantId ? Results.Ok(View(hold)) : Results.NotFound();
        }
    }

    HoldResponse View(HoldRecord hold) => new(hold.Id, Guid.Empty, hold.Amount, hold.State == "committed" ? hold.Amount : null,
        hold.State, _available.GetValueOrDefault(hold.TenantId), DateTimeOffset.UtcNow.AddMinutes(10));

    public IResult Settle(Guid holdId, string action)
    {
        lock (_gate)
        {
            if (!Holds.TryGetValue(holdId, out var hold)) return Results.NotFound();
            if (hold.State != "held")
            {
                var repeated = (action, hold.State) is ("commit", "committed") or ("release", "released");
                return repeated ? Results.Ok(View(hold)) : Results.Conflict(View(hold));
            }
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
            return Results.Ok(View(hold));
        }
    }
}
