using System.Diagnostics;
using System.Text;
using AgentCloud.Billing.Jobs;
using AgentCloud.Billing.Ledger;
using AgentCloud.Contracts.Billing;
using AgentCloud.EventBus.CloudEvents;
using AgentCloud.EventBus.Hosting;
using AgentCloud.EventBus.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>
/// The ledger's SQL stages only an event's parts; the relay wraps them in the envelope the event bus defines. What billing
/// publishes must be, byte for byte, what C# publishes for the same contract record.
/// </summary>
public sealed class BillingEventShapeTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    [Fact]
    public async Task Every_event_the_ledger_functions_stage_is_published_as_the_same_bytes_as_its_contract_record_from_CSharp()
    {
        var tenant = Guid.NewGuid();
        var ledger = factory.Services.GetRequiredService<TokenLedger>();
        await _billing.PurchaseAsync(tenant, 120);
        // billing_place_holds: BalanceLow (120 → 70, threshold 100); billing_settle_holds: TokensDebited with its hold id.
        var hold = await _billing.HeldAsync(tenant, OperationTypes.ElevenLabsCall);
        (await _billing.CommitAsync(hold.HoldId)).EnsureSuccessStatusCode();
        // billing_charge_monthly_fee: TokensDebited without hold ids and BalanceExhausted (70 → -130), in a caller's trace.
        using (new Activity("test.fee").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            var clock = new ManualClock(new DateTimeOffset(2027, 3, 15, 12, 0, 0, TimeSpan.Zero));
            await new MonthlyFeeJob(ledger, clock, factory.Services.GetRequiredService<IOptions<BillingOptions>>(), NullLogger<MonthlyFeeJob>.Instance)
                .RunOnceAsync(CancellationToken.None);
        }
        // billing_record_usage: TokensDebited with a location, charged to the tenant's account.
        await ledger.RecordUsageAsync(new UsageCommand(tenant, Guid.NewGuid(), null, null, OperationTypes.Sms, 3, null, $"shape-{tenant}"), default);

        var rows = await BillingOutbox.ReadRowsAsync(factory, tenant);
        Assert.Equal(["BalanceLow", "TokensDebited", "TokensDebited", "BalanceExhausted", "TokensDebited"], rows.Select(r => r.Topic));
        Assert.Contains(rows, r => r.TraceParent is not null);
        var published = await PublishedAsync(rows.Select(r => r.Topic).Distinct(), rows.Count, tenant);
        foreach (var row in rows)
        {
            var wire = published[row.EventId];
            var cloudEvent = CloudEventSerializer.Deserialize(wire);
            var record = CloudEventSerializer.Unwrap(cloudEvent, BillingOutbox.ContractOf(row.Topic));
            var fromCSharp = CloudEventSerializer.Envelope(record.Id, row.Topic, cloudEvent.Source!.OriginalString, record.Time,
                record.Subject, record.TenantId, record, (string?)cloudEvent[CloudEventSerializer.TraceParent], null);

            Assert.Equal(Encoding.UTF8.GetString(CloudEventSerializer.Serialize(fromCSharp).Span), Encoding.UTF8.GetString(wire));
            Assert.Equal(row.TraceParent, (string?)cloudEvent[CloudEventSerializer.TraceParent]);
        }
        var debited = rows.Where(r => r.Topic == "TokensDebited").Select(r => CloudEventSerializer.Unwrap(r.ToCloudEvent("billing"), typeof(TokensDebited)))
            .Cast<TokensDebited>().ToList();
        Assert.Equal([hold.HoldId], debited[0].HoldIds!);
        Assert.Equal((OperationTypes.MonthlyFee, 1, (IReadOnlyList<Guid>?)null), (debited[1].OperationType, debited[1].Operations, debited[1].HoldIds));
        Assert.NotNull(debited[2].LocationId);
    }

    /// <summary>The events of the tenant as they lie on the Redis streams, by event id, once the relay published them all.</summary>
    async Task<Dictionary<string, byte[]>> PublishedAsync(IEnumerable<string> topics, int count, Guid tenant)
    {
        var keys = new StreamKeys(factory.Services.GetRequiredService<IOptions<EventBusOptions>>().Value.StreamPrefix);
        var redis = factory.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var published = new Dictionary<string, byte[]>();
            foreach (var topic in topics)
            {
                foreach (var entry in await redis.StreamRangeAsync(keys.Stream(topic), "-", "+"))
                {
                    byte[] wire = entry[StreamKeys.EventField]!;
                    var cloudEvent = CloudEventSerializer.Deserialize(wire);
                    if ((string?)cloudEvent[CloudEventSerializer.TenantId] == tenant.ToString())
                    {
                        published[cloudEvent.Id!] = wire;
                    }
                }
            }
            if (published.Count == count)
            {
                return published;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the relay published {published.Count} of {count} events");
            await Task.Delay(100);
        }
    }
}
