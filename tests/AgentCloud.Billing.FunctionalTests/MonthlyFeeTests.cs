using System.Net;
using System.Net.Http.Json;
using AgentCloud.Billing.Jobs;
using AgentCloud.Billing.Ledger;
using AgentCloud.Contracts.Billing;
using AgentCloud.EventBus.CloudEvents;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class MonthlyFeeTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    MonthlyFeeJob Job(TimeProvider clock) => new(
        factory.Services.GetRequiredService<TokenLedger>(), clock,
        factory.Services.GetRequiredService<IOptions<BillingOptions>>(), NullLogger<MonthlyFeeJob>.Instance);

    [Fact]
    public async Task Two_racing_jobs_charge_each_tenant_once_per_UTC_month()
    {
        var tenants = new[] { Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid() };
        foreach (var tenant in tenants)
        {
            await _billing.PurchaseAsync(tenant, 1000);
        }
        await _billing.PurchaseAsync(tenants[0], 500, locationId: Guid.NewGuid()); // location accounts pay no fee
        // 23:30 on 30 November in UTC is already 1 December in UTC+1: the fee month must still be November.
        var clock = new ManualClock(new DateTimeOffset(2026, 12, 1, 0, 30, 0, TimeSpan.FromHours(1)));

        var first = await Task.WhenAll(Job(clock).RunOnceAsync(CancellationToken.None), Job(clock).RunOnceAsync(CancellationToken.None));
        var again = await Job(clock).RunOnceAsync(CancellationToken.None);

        Assert.Equal(tenants.Length, first.Sum()); // the other test's account, if any, was charged for a later month
        Assert.Equal(0, again);
        foreach (var tenant in tenants)
        {
            var balance = await _billing.BalanceAsync(tenant);
            Assert.Equal((800L, new DateOnly(2026, 11, 1)), (balance.AvailableTokens, balance.LastMonthlyFeeDate));
        }

        clock.Now = new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
        var december = await Task.WhenAll(Job(clock).RunOnceAsync(CancellationToken.None), Job(clock).RunOnceAsync(CancellationToken.None));

        Assert.Equal(first.Sum(), december.Sum());
        foreach (var tenant in tenants)
        {
            Assert.Equal(600, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        }
        Assert.Equal(2 * tenants.Length, await CountAsync(
            "SELECT count(*) FROM ledger_entries l JOIN token_accounts a ON a.id = l.account_id WHERE l.kind = 'fee' AND a.tenant_id = ANY($1)", tenants));
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task A_fee_the_balance_cannot_cover_makes_it_negative_and_every_hold_is_refused_until_a_purchase()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 150);
        var clock = new ManualClock(new DateTimeOffset(2027, 1, 15, 12, 0, 0, TimeSpan.Zero));

        await Job(clock).RunOnceAsync(CancellationToken.None);

        Assert.Equal(-50, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        using (var refused = await _billing.HoldAsync(tenant, OperationTypes.Sms))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
            Assert.Equal("-50", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Extensions["availableTokens"]!.ToString());
        }
        await _billing.PurchaseAsync(tenant, 50);
        using (var stillRefused = await _billing.HoldAsync(tenant, OperationTypes.Sms))
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, stillRefused.StatusCode); // balance 0 pays nothing
        }
        await _billing.PurchaseAsync(tenant, 10);
        using (var accepted = await _billing.HoldAsync(tenant, OperationTypes.Sms))
        {
            Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        }
        Assert.Equal(9, (await _billing.BalanceAsync(tenant)).AvailableTokens);

        var events = await BillingOutbox.ReadAsync(factory, tenant);
        var fee = Assert.Single(events.OfType<TokensDebited>());
        Assert.Equal((OperationTypes.MonthlyFee, 200L, -50L, tenant.ToString()), (fee.OperationType, fee.Tokens, fee.AvailableTokens, fee.TenantId));
        Assert.Equal(100, Assert.Single(events.OfType<BalanceLow>()).Threshold);
        // Once when the fee took it to -50 (the refusal right after tells nothing new), once more for the first refusal
        // after the purchase of 50, which re-armed it.
        Assert.Equal([-50L, 0L], events.OfType<BalanceExhausted>().Select(e => e.AvailableTokens));
        await _billing.VerifyAsync();
    }

    async Task<long> CountAsync(string sql, Guid[] tenants)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenants });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
