using AgentCloud.Billing.Ledger;
using AgentCloud.Contracts.Billing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>The group commit writers behind <see cref="TokenLedger"/>: sharing, isolation, order within a batch.</summary>
public sealed class LedgerBatchingTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);
    readonly TokenLedger _ledger = factory.Services.GetRequiredService<TokenLedger>();

    [Fact]
    public async Task Concurrent_holds_and_commits_share_database_calls()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 1000);
        var before = _ledger.HoldBatchesApplied;

        var holds = await Task.WhenAll(Enumerable.Range(0, 64).Select(i => _ledger.PlaceHoldAsync(Hold(tenant, $"share-{i}"), default)));
        var commits = await Task.WhenAll(holds.Select(h => _ledger.CommitAsync(h.HoldId!.Value, null, default)));

        Assert.All(holds, h => Assert.Equal("held", h.Outcome));
        Assert.All(commits, c => Assert.Equal("committed", c.Outcome));
        var calls = _ledger.HoldBatchesApplied - before;
        Assert.InRange(calls, 2, 127); // 128 requests; one call each would be 128
        Assert.Equal(936, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();

        // Commits applied together are told together: one TokensDebited per batch (and operation type), covering each
        // commit exactly once.
        var debited = (await BillingOutbox.ReadAsync(factory, tenant)).OfType<TokensDebited>().ToList();
        Assert.InRange(debited.Count, 1, 63);
        Assert.Equal(64, debited.Sum(d => d.Tokens));
        Assert.Equal(64, debited.Sum(d => d.Operations));
        Assert.Equal(holds.Select(h => h.HoldId!.Value).Order(), debited.SelectMany(d => d.HoldIds!).Order());
        Assert.All(debited, d => Assert.Equal(OperationTypes.Sms, d.OperationType));
    }

    [Fact]
    public async Task A_request_PostgreSQL_rejects_fails_alone_and_its_batch_mates_are_applied()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);

        // The first request goes alone; the rest queue behind it and form one batch with the poisoned one in the middle.
        // 10 tokens × quantity overflows bigint inside billing_place_holds (the HTTP API caps quantity; the ledger does not).
        var leader = _ledger.PlaceHoldAsync(Hold(tenant, "leader"), default);
        var healthy = Enumerable.Range(0, 10).Select(i => _ledger.PlaceHoldAsync(Hold(tenant, $"healthy-{i}"), default)).ToList();
        var poisoned = _ledger.PlaceHoldAsync(
            new HoldCommand(tenant, null, OperationTypes.WhatsAppConversation, long.MaxValue, "poisoned", 300), default);
        healthy.AddRange(Enumerable.Range(10, 10).Select(i => _ledger.PlaceHoldAsync(Hold(tenant, $"healthy-{i}"), default)));
        healthy.Add(leader);

        await Assert.ThrowsAsync<PostgresException>(() => poisoned);
        Assert.All(await Task.WhenAll(healthy), h => Assert.Equal("held", h.Outcome));
        Assert.Equal(79, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task Holds_of_mixed_sizes_are_paid_greedily_and_never_overdraw()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 50);
        var sizes = Enumerable.Range(0, 40).Select(i => (long)(i * 7 % 13 + 1)).ToArray();

        var results = await Task.WhenAll(sizes.Select((size, i) => _ledger.PlaceHoldAsync(Hold(tenant, $"mixed-{i}", size), default)));

        var held = results.Where(r => r.Outcome == "held").Sum(r => r.Amount);
        var balance = (await _billing.BalanceAsync(tenant)).AvailableTokens;
        Assert.InRange(held, 1, 50);
        Assert.Equal(50 - held, balance);
        // Holds only lower the balance, so each refusal saw at least the final balance: a refused hold that would fit in
        // it means a hold was refused that could have been paid.
        Assert.All(results.Where(r => r.Outcome == "insufficient"), r => Assert.True(r.Amount > balance, $"{r.Amount} refused with {balance} left"));
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task A_hold_committed_and_released_at_once_ends_in_exactly_one_of_them()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var holds = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => _ledger.PlaceHoldAsync(Hold(tenant, $"race-{i}", 5), default)));

        var settled = await Task.WhenAll(holds.Select(async h =>
        {
            var commit = _ledger.CommitAsync(h.HoldId!.Value, null, default);
            var release = _ledger.ReleaseAsync(h.HoldId!.Value, default);
            return (Commit: await commit, Release: await release);
        }));

        var committed = 0;
        foreach (var (commit, release) in settled)
        {
            Assert.Equal(commit.Status, release.Status);
            Assert.True(commit.Outcome == "committed" ^ release.Outcome == "released", $"{commit.Outcome} / {release.Outcome}");
            committed += commit.Outcome == "committed" ? 1 : 0;
        }
        Assert.Equal(100 - 5 * committed, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();
    }

    static HoldCommand Hold(Guid tenant, string key, long quantity = 1) =>
        new(tenant, null, OperationTypes.Sms, quantity, key, 300);
}
