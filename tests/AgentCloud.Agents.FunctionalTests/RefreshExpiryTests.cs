using System.Net;
using System.Net.Http.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class ExpiredRefreshAgentsFactory : AgentsFactory
{
    // Issued already expired: no waiting in the test.
    public ExpiredRefreshAgentsFactory() => WithSetting("Directory:RefreshTokenLifetime", "-00:01:00");
}

public sealed class RefreshExpiryTests(ExpiredRefreshAgentsFactory factory) : IClassFixture<ExpiredRefreshAgentsFactory>
{
    [Fact]
    public async Task An_expired_refresh_token_is_refused()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var token = await TestDirectory.SignInAsync(factory, tenant.OwnerEmail, TestDirectory.Password);

        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/refresh", new { refreshToken = token.RefreshToken });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
