using System.Net;
using System.Net.Http.Json;
using AgentCloud.Contracts.Billing;
using Microsoft.AspNetCore.Mvc;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class HoldConcurrencyTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    [Fact]
    public async Task Two_hundred_concurrent_holds_of_one_token_against_one_hundred_exactly_one_hundred_succeed()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);

        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => _billing.HoldAsync(tenant)));

        Assert.Equal(100, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var refused = responses.Where(r => r.StatusCode == HttpStatusCode.PaymentRequired).ToList();
        Assert.Equal(100, refused.Count);
        var problem = (await refused[0].Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal("0", problem.Extensions["availableTokens"]!.ToString());
        Assert.Equal("1", problem.Extensions["requiredTokens"]!.ToString());
        Assert.Equal(0, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task Concurrent_hold_commit_pairs_never_overdraw_and_the_ledger_verifies()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 95); // 9 WhatsApp conversations of 10, then refusals

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 30).Select(async _ =>
        {
            using var hold = await _billing.HoldAsync(tenant, OperationTypes.WhatsAppConversation);
            if (hold.StatusCode != HttpStatusCode.OK)
            {
                return hold.StatusCode;
            }
            var held = (await hold.Content.ReadFromJsonAsync<HoldResponse>())!;
            using var commit = await _billing.CommitAsync(held.HoldId);
            return commit.StatusCode;
        }));

        Assert.Equal(9, outcomes.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(21, outcomes.Count(s => s == HttpStatusCode.PaymentRequired));
        var balance = await _billing.BalanceAsync(tenant);
        Assert.Equal(5, balance.AvailableTokens);
        Assert.Equal(90, balance.TotalTokensUsed);
        await _billing.VerifyAsync();
    }
}
