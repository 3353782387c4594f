using AgentCloud.Web.Session;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace AgentCloud.Web.FunctionalTests;

/// <summary>Server-side sessions in the real Redis: tokens refreshed once however many requests ask at the same time, ended when refresh is refused.</summary>
public sealed class UserSessionsTests(WebFactory factory) : IClassFixture<WebFactory>
{
    UserSessions Sessions => factory.Services.GetRequiredService<UserSessions>();

    [Fact]
    public async Task A_token_about_to_expire_is_refreshed_once_for_concurrent_requests()
    {
        var id = await Sessions.CreateAsync(new SessionTokens("old-access", "refresh-1", DateTimeOffset.UtcNow.AddSeconds(30)));
        var refreshes = 0;

        var tokens = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => Sessions.AccessTokenAsync(id, async (refreshToken, _) =>
        {
            Interlocked.Increment(ref refreshes);
            await Task.Delay(50);
            return refreshToken == "refresh-1" ? new SessionTokens("new-access", "refresh-2", DateTimeOffset.UtcNow.AddMinutes(15)) : null;
        }, CancellationToken.None)));

        Assert.Equal(1, refreshes);
        Assert.All(tokens, token => Assert.Equal("new-access", token));
        Assert.Equal("refresh-2", (await Sessions.FindAsync(id))!.RefreshToken);
    }

    [Fact]
    public async Task A_fresh_token_is_used_as_it_is()
    {
        var id = await Sessions.CreateAsync(new SessionTokens("access", "refresh", DateTimeOffset.UtcNow.AddMinutes(15)));

        var token = await Sessions.AccessTokenAsync(id, (_, _) => throw new InvalidOperationException("no refresh expected"), CancellationToken.None);

        Assert.Equal("access", token);
    }

    [Fact]
    public async Task A_refused_refresh_ends_the_session()
    {
        var id = await Sessions.CreateAsync(new SessionTokens("access", "revoked", DateTimeOffset.UtcNow));

        var token = await Sessions.AccessTokenAsync(id, (_, _) => Task.FromResult<SessionTokens?>(null), CancellationToken.None);

        Assert.Null(token);
        Assert.Null(await Sessions.FindAsync(id));
    }

    [Fact]
    public async Task Signing_out_deletes_the_session()
    {
        var id = await Sessions.CreateAsync(new SessionTokens("access", "refresh", DateTimeOffset.UtcNow.AddMinutes(15)));

        await Sessions.EndAsync(id);

        Assert.Null(await Sessions.FindAsync(id));
        Assert.Null(await Sessions.AccessTokenAsync(id, (_, _) => throw new InvalidOperationException(), CancellationToken.None));
    }
}
