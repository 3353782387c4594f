using System.Net;
using System.Net.Http.Json;
using AgentCloud.Billing.Jobs;
using AgentCloud.Contracts.Billing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class HoldExpiryTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    [Fact]
    public async Task An_expired_hold_is_released_by_the_sweep_and_a_later_commit_is_refused_with_410()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var hold = await _billing.HeldAsync(tenant, OperationTypes.ElevenLabsCall, ttlSeconds: 1);
        Assert.Equal(50, (await _billing.BalanceAsync(tenant)).AvailableTokens);

        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        await factory.Services.GetRequiredService<HoldExpirySweeper>().SweepOnceAsync(CancellationToken.None);

        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        var state = await _billing.ToolGateway.GetFromJsonAsync<HoldResponse>($"/tokens/holds/{hold.HoldId}");
        Assert.Equal("expired", state!.Status);
        using var commit = await _billing.CommitAsync(hold.HoldId);
        Assert.Equal(HttpStatusCode.Gone, commit.StatusCode);
        Assert.Equal("expired", (await commit.Content.ReadFromJsonAsync<ProblemDetails>())!.Extensions["holdStatus"]!.ToString());
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task A_commit_after_expiry_is_refused_even_before_the_sweep_runs_and_releases_the_tokens()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var hold = await _billing.HeldAsync(tenant, OperationTypes.WhatsAppConversation, ttlSeconds: 1);

        await Task.Delay(TimeSpan.FromMilliseconds(1300));
        using var commit = await _billing.CommitAsync(hold.HoldId);

        Assert.Equal(HttpStatusCode.Gone, commit.StatusCode);
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        using var release = await _billing.ToolGateway.PostAsync($"/tokens/holds/{hold.HoldId}/release", null);
        Assert.Equal(HttpStatusCode.OK, release.StatusCode); // already expired: nothing more to give back
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task A_committed_hold_cannot_be_released_and_a_commit_above_the_hold_is_refused()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var hold = await _billing.HeldAsync(tenant, OperationTypes.InternalApiLlm, quantity: 10);

        using (var tooMuch = await _billing.CommitAsync(hold.HoldId, 11))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, tooMuch.StatusCode);
        }
        using (var commit = await _billing.CommitAsync(hold.HoldId))
        {
            Assert.Equal(HttpStatusCode.OK, commit.StatusCode);
        }
        using var release = await _billing.ToolGateway.PostAsync($"/tokens/holds/{hold.HoldId}/release", null);
        Assert.Equal(HttpStatusCode.Conflict, release.StatusCode);
        using var unknown = await _billing.CommitAsync(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(90, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        await _billing.VerifyAsync();
    }
}
