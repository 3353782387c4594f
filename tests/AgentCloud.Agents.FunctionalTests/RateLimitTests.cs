using System.Net;
using System.Net.Http.Json;
using AgentCloud.Agents.Identity;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class RateLimitedAgentsFactory : AgentsFactory
{
    public RateLimitedAgentsFactory()
    {
        WithSetting("Directory:FailedSignInsPerAddressPerMinute", "12");
        WithSetting("Directory:FailedSignInsPerAccountPer5Minutes", "3");
    }
}

/// <summary>Issue 13: failed attempts are limited per account and per address, successes never; the 429 says when to come back.</summary>
public sealed class RateLimitTests(RateLimitedAgentsFactory factory) : IClassFixture<RateLimitedAgentsFactory>
{
    [Fact]
    public async Task Failed_sign_ins_are_limited_per_account_and_per_address_alike_for_real_and_unknown_emails()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var client = factory.CreateClient();

        async Task<HttpResponseMessage> Attempt(string email, string password = "wrong password") =>
            await client.PostAsJsonAsync("/auth/token", new { email, password });

        // Successes cost nothing: far more than either limit.
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await Attempt(tenant.OwnerEmail, TestDirectory.Password)).StatusCode);
        }
        // The account: 3 failures, then refused, even with the right password, with when to come back.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt(tenant.OwnerEmail)).StatusCode);
        }
        Throttled.AssertRetryAfter(await Attempt(tenant.OwnerEmail), TimeSpan.FromMinutes(5));
        Throttled.AssertRetryAfter(await Attempt(tenant.OwnerEmail, TestDirectory.Password), TimeSpan.FromMinutes(5));
        // An unknown email behaves the same, so the limit reveals nothing.
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("nobody@example.com")).StatusCode);
        }
        Throttled.AssertRetryAfter(await Attempt("nobody@example.com"), TimeSpan.FromMinutes(5));
        // 6 failures so far from this address (refusals do not count): 6 more on fresh accounts, then the address is refused.
        foreach (var email in new[] { "a", "b", "c", "d", "e", "f" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt($"{email}@example.com")).StatusCode);
        }
        Throttled.AssertRetryAfter(await Attempt("g@example.com"), TimeSpan.FromMinutes(1));
    }
}

/// <summary>A scripted client signs in once and refreshes its token for ever: never locked out (own host, own counters).</summary>
public sealed class RefreshingScriptTests(RateLimitedAgentsFactory factory) : IClassFixture<RateLimitedAgentsFactory>
{
    [Fact]
    public async Task A_script_that_signs_in_once_and_refreshes_is_never_locked_out()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var token = await TestDirectory.SignInAsync(factory, tenant.OwnerEmail, TestDirectory.Password);

        for (var i = 0; i < 30; i++)
        {
            using var refreshed = await factory.CreateClient().PostAsJsonAsync("/auth/refresh", new { refreshToken = token.RefreshToken });
            Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
            token = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        }
        Assert.Equal(HttpStatusCode.OK, (await factory.CreateClient(token.AccessToken).GetAsync("/auth/whoami")).StatusCode);
    }
}

/// <summary>Issue 19: wrong client secrets are throttled per client id and per address, as sign-in is.</summary>
public sealed class ServiceTokenThrottleTests(RateLimitedAgentsFactory factory) : IClassFixture<RateLimitedAgentsFactory>
{
    [Fact]
    public async Task Wrong_client_secrets_are_limited_per_client_id_and_per_address()
    {
        var client = factory.CreateClient();
        async Task<HttpResponseMessage> Attempt(string clientId, string? secret = null) =>
            await client.PostAsJsonAsync("/auth/service-token", new ServiceTokenRequest(clientId, secret ?? "wrong", "agents"));

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt("billing")).StatusCode);
        }
        Throttled.AssertRetryAfter(await Attempt("billing"), TimeSpan.FromMinutes(5));
        Throttled.AssertRetryAfter(await Attempt("billing", TestTokens.ServiceSecret("billing")), TimeSpan.FromMinutes(5));
        // Another client still answers until the address has used its failures (3 so far, 12 allowed).
        Assert.Equal(HttpStatusCode.OK, (await Attempt("credentials", TestTokens.ServiceSecret("credentials"))).StatusCode);
        foreach (var id in new[] { "credentials", "credentials", "triggers", "triggers", "web", "web", "mallory", "eve", "oscar" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Attempt(id)).StatusCode);
        }
        Throttled.AssertRetryAfter(await Attempt("tool-gateway", TestTokens.ServiceSecret("tool-gateway")), TimeSpan.FromMinutes(1));
    }
}

static class Throttled
{
    /// <summary>429 ProblemDetails saying when to come back: within the limit's window.</summary>
    public static void AssertRetryAfter(HttpResponseMessage response, TimeSpan window)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter > TimeSpan.Zero && retryAfter <= window, $"Retry-After: {response.Headers.RetryAfter}");
    }
}
