using System.Net;
using System.Net.Http.Json;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class IdempotencyTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    [Fact]
    public async Task The_same_purchase_sent_five_times_concurrently_adds_once_and_answers_the_same()
    {
        var tenant = Guid.NewGuid();
        var admin = _billing.ManagerOf(tenant);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
        {
            var request = new HttpRequestMessage(HttpMethod.Post, $"/tokens/add/{tenant}") { Content = JsonContent.Create(new { amount = 1000 }) };
            request.Headers.Add("Idempotency-Key", "purchase-1");
            return admin.SendAsync(request);
        }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<AddTokensResponse>()));
        Assert.All(bodies, b => Assert.Equal(bodies[0], b));
        Assert.Equal(1000, bodies[0]!.AvailableTokens);
        var balance = await _billing.BalanceAsync(tenant);
        Assert.Equal(1000, balance.AvailableTokens);
        Assert.Equal(1000, balance.TotalTokensPurchased);
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task The_same_hold_sent_five_times_concurrently_reserves_once()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            _billing.HoldAsync(tenant, OperationTypes.WhatsAppConversation, key: "tool-call-42")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var holds = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<HoldResponse>()));
        Assert.Single(holds.Select(h => h!.HoldId).Distinct());
        Assert.All(holds, h => Assert.Equal((10L, "held", 90L), (h!.Amount, h.Status, h.AvailableTokens)));
        var balance = await _billing.BalanceAsync(tenant);
        Assert.Equal((90L, 10L, 0L), (balance.AvailableTokens, balance.ReservedTokens, balance.TotalTokensUsed));
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task The_same_commit_sent_five_times_concurrently_charges_once()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var hold = await _billing.HeldAsync(tenant, OperationTypes.InternalApiLlm, quantity: 40);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _billing.CommitAsync(hold.HoldId, 25)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var commits = await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<HoldResponse>()));
        Assert.All(commits, c => Assert.Equal((hold.HoldId, 40L, (long?)25, "committed", 75L),
            (c!.HoldId, c.Amount, c.CommittedAmount, c.Status, c.AvailableTokens)));
        var balance = await _billing.BalanceAsync(tenant);
        Assert.Equal(75, balance.AvailableTokens); // 40 held, 15 refunded once
        Assert.Equal(25, balance.TotalTokensUsed);
        var usage = (await _billing.MemberOf(tenant).GetFromJsonAsync<UsagePage>($"/tokens/usage/{tenant}"))!;
        Assert.Equal(25, Assert.Single(usage.Items).TokensUsed);
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task The_same_release_sent_five_times_refunds_once_and_a_released_hold_cannot_be_committed()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var hold = await _billing.HeldAsync(tenant, OperationTypes.ElevenLabsCall);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ =>
            _billing.ToolGateway.PostAsync($"/tokens/holds/{hold.HoldId}/release", null)));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        using var commit = await _billing.CommitAsync(hold.HoldId);
        Assert.Equal(HttpStatusCode.Conflict, commit.StatusCode);
        await _billing.VerifyAsync();
    }
}
