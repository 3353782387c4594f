using System.Net;
using System.Net.Http.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class RateLimitedAgentsFactory : ServiceFactory<Program>
{
    public RateLimitedAgentsFactory() : base("agentsdb")
    {
        WithSetting("Directory:SignInPerIpPerMinute", "12");
        WithSetting("Directory:SignInPerAccountPer5Minutes", "3");
    }
}

/// <summary>One class, run in order on one host: the per-IP window is shared by everything here.</summary>
public sealed class RateLimitTests(RateLimitedAgentsFactory factory) : IClassFixture<RateLimitedAgentsFactory>
{
    [Fact]
    public async Task Sign_in_is_limited_per_account_and_per_ip_alike_for_real_and_unknown_emails()
    {
        var tenant = await TestDirectory.SignUpAsync(factory); // 1 sign-up + 1 sign-in from this IP
        var client = factory.CreateClient();

        async Task<HttpStatusCode> Attempt(string email)
        {
            using var response = await client.PostAsJsonAsync("/auth/token", new { email, password = "wrong password" });
            return response.StatusCode;
        }

        // The real account already signed in once: 2 more attempts, then refused.
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt(tenant.OwnerEmail));
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt(tenant.OwnerEmail));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Attempt(tenant.OwnerEmail));
        // An unknown email behaves the same, so the limit reveals nothing.
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("nobody@example.com"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("nobody@example.com"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("nobody@example.com"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Attempt("nobody@example.com"));
        // 9 requests so far from this IP; 3 more fresh accounts fit, the 13th request does not.
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("a@example.com"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("b@example.com"));
        Assert.Equal(HttpStatusCode.Unauthorized, await Attempt("c@example.com"));
        Assert.Equal(HttpStatusCode.TooManyRequests, await Attempt("d@example.com"));
    }
}
