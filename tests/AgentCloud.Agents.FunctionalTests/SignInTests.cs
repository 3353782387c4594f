using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Agents.Identity;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Agents.FunctionalTests;

public sealed class SignInTests(AgentsFactory factory) : IClassFixture<AgentsFactory>
{
    [Fact]
    public async Task Sign_in_returns_an_access_token_naming_the_user_tenant_team_and_roles()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        var token = await TestDirectory.SignInAsync(factory, tenant.OwnerEmail.ToUpperInvariant(), TestDirectory.Password);

        Assert.Equal("Bearer", token.TokenType);
        Assert.InRange(token.ExpiresIn, 60, 3600);
        Assert.False(string.IsNullOrEmpty(token.RefreshToken));
        var caller = await factory.CreateClient(token.AccessToken).GetFromJsonAsync<JsonElement>("/auth/whoami");
        Assert.Equal(tenant.OwnerId, caller.GetProperty("userId").GetGuid());
        Assert.Equal(tenant.TenantId, caller.GetProperty("tenantId").GetGuid());
        Assert.Equal([tenant.TeamId], caller.GetProperty("teamIds").EnumerateArray().Select(t => t.GetGuid()));
        Assert.Equal(["owner"], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_answer()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var wrongPassword = await factory.CreateClient().PostAsJsonAsync("/auth/token", new { email = tenant.OwnerEmail, password = "not the password" });
        using var unknownEmail = await factory.CreateClient().PostAsJsonAsync("/auth/token", new { email = "nobody-" + tenant.OwnerEmail, password = "not the password" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownEmail.StatusCode);
        var first = await wrongPassword.Content.ReadFromJsonAsync<JsonElement>();
        var second = await unknownEmail.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(first.GetProperty("title").GetString(), second.GetProperty("title").GetString());
        Assert.Equal(first.GetProperty("detail").GetString(), second.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"email":"a@example.com"}""")]
    [InlineData("""{"email":"","password":"x"}""")]
    [InlineData("not json")]
    [InlineData("""{"email":42,"password":[]}""")]
    public async Task Bad_sign_in_input_gets_a_400_problem_not_a_500(string body)
    {
        using var response = await factory.CreateClient().PostAsync("/auth/token", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_refresh_token_is_rotated_and_a_reused_one_revokes_its_family()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var first = await TestDirectory.SignInAsync(factory, tenant.OwnerEmail, TestDirectory.Password);

        using var refreshed = await factory.CreateClient().PostAsJsonAsync("/auth/refresh", new { refreshToken = first.RefreshToken });
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        var second = (await refreshed.Content.ReadFromJsonAsync<TokenResponse>())!;
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        var caller = await factory.CreateClient(second.AccessToken).GetFromJsonAsync<JsonElement>("/auth/whoami");
        Assert.Equal(tenant.OwnerId, caller.GetProperty("userId").GetGuid());

        using var replay = await factory.CreateClient().PostAsJsonAsync("/auth/refresh", new { refreshToken = first.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        using var afterReplay = await factory.CreateClient().PostAsJsonAsync("/auth/refresh", new { refreshToken = second.RefreshToken });
        Assert.Equal(HttpStatusCode.Unauthorized, afterReplay.StatusCode);
    }

    [Fact]
    public async Task An_unknown_refresh_token_is_refused()
    {
        using var response = await factory.CreateClient().PostAsJsonAsync("/auth/refresh", new { refreshToken = "made-up" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Expired_badly_signed_and_wrong_audience_tokens_are_refused_by_directory_endpoints()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        foreach (var token in new[] { TestTokens.Expired(tenant.TenantId), TestTokens.BadlySigned(tenant.TenantId), TestTokens.WrongAudience(tenant.TenantId) })
        {
            using var response = await factory.CreateClient(token).GetAsync("/users");
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        using var valid = await factory.CreateClient(TestTokens.Admin(tenant.TenantId)).GetAsync("/users");
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
    }

    [Fact]
    public async Task A_service_token_cannot_act_as_a_user()
    {
        var client = factory.CreateClient(TestTokens.Service("tool-gateway"));

        using var list = await client.GetAsync("/users");
        using var create = await client.PostAsJsonAsync("/teams", new { name = "x" });

        Assert.Equal(HttpStatusCode.Forbidden, list.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
    }

    [Fact]
    public async Task A_member_may_read_the_directory_but_not_change_it()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);
        var member = await TestDirectory.AddUserAsync(factory, tenant);

        using var read = await member.Client.GetAsync("/users");
        using var create = await member.Client.PostAsJsonAsync("/teams", new { name = "x" });
        using var keys = await member.Client.GetAsync("/api-keys");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, create.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, keys.StatusCode);
    }

    [Fact]
    public async Task Sign_up_refuses_bad_input_and_a_taken_email()
    {
        var tenant = await TestDirectory.SignUpAsync(factory);

        using var bad = await factory.CreateClient().PostAsJsonAsync("/tenants", new { name = "", ownerEmail = "not-an-email", ownerPassword = "short" });
        using var taken = await factory.CreateClient().PostAsJsonAsync("/tenants", new
        {
            name = "Other", ownerEmail = tenant.OwnerEmail, ownerDisplayName = "X", ownerPassword = TestDirectory.Password,
        });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("ownerEmail", out _));
        Assert.True(errors.TryGetProperty("ownerPassword", out _));
        Assert.Equal(HttpStatusCode.Conflict, taken.StatusCode);
    }
}
