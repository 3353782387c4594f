using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace AgentCloud.Web.FunctionalTests;

/// <summary>Pages are for signed-in users: the sign-in page is the only one a visitor sees, and nothing shows the services' internals.</summary>
public sealed class PagesTests(WebFactory factory) : IClassFixture<WebFactory>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/agents")]
    [InlineData("/billing")]
    public async Task A_visitor_is_sent_to_sign_in(string page)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        using var response = await client.GetAsync(page);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/account/login", response.Headers.Location?.AbsolutePath);
    }

    [Fact]
    public async Task The_sign_in_page_labels_its_fields_and_shows_no_service_state()
    {
        var page = await factory.CreateClient().GetStringAsync("/account/login");

        Assert.Contains("<label for=\"email\">Email</label>", page);
        Assert.Contains("<label for=\"password\">Password</label>", page);
        Assert.DoesNotContain("Healthy", page);
        Assert.DoesNotContain("tool-gateway", page);
    }

    [Fact]
    public async Task Signing_out_without_the_form_token_is_refused()
    {
        using var response = await factory.CreateClient().PostAsync("/account/logout", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
