using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using Xunit;

namespace AgentCloud.Web.FunctionalTests;

/// <summary>The browser-facing app answers who you are, or 401 ProblemDetails: never a 500 for a missing caller.</summary>
public sealed class WhoAmITests(WebFactory factory) : IClassFixture<WebFactory>
{
    public static TheoryData<string?> Refused => new() { null, "not.a.jwt", TestTokens.Expired(Guid.NewGuid()), TestTokens.Signed(new() { ["sub"] = "root" }) };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task Without_a_usable_token_whoami_answers_401_problem_details(string? token)
    {
        var client = token is null ? factory.CreateClient() : factory.CreateClient(token);

        using var response = await client.GetAsync("/auth/whoami");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_user_token_names_the_caller()
    {
        var user = Guid.NewGuid();

        var caller = await factory.CreateClient(TestTokens.User(Guid.NewGuid(), user)).GetFromJsonAsync<JsonElement>("/auth/whoami");

        Assert.Equal(user, caller.GetProperty("userId").GetGuid());
    }
}
