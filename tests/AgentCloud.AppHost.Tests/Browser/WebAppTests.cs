using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Testing;
using Aspire.Hosting.Testing;
using Microsoft.Playwright;
using Xunit;

namespace AgentCloud.AppHost.Tests.Browser;

/// <summary>
/// The web app as a user sees it, in Chromium, against the whole system: sign in, chat with the default Assistant on the
/// offline model (a tool call shown inline), the balance. Each page is also photographed at a desktop and a phone size
/// (bin/.../screenshots) to be looked at.
/// </summary>
[Collection(SystemCollection.Name)]
public sealed class WebAppTests(SystemFixture system) : IAsyncLifetime
{
    const string Password = "a long enough password";
    static readonly (string Name, int Width, int Height)[] Sizes = [("desktop", 1280, 800), ("phone", 390, 844)];
    static readonly string Screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    IPlaywright _playwright = null!;
    IBrowser _browser = null!;
    Uri _web = null!;

    public async Task InitializeAsync()
    {
        (_playwright, _browser) = await Chromium.LaunchAsync();
        _web = system.App.GetEndpoint("web", "http");
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task A_user_signs_in_and_out_and_a_wrong_password_is_told_plainly()
    {
        var owner = await NewTenantAsync(tokens: 0);
        var page = await NewPageAsync();

        await page.GotoAsync("/billing");
        Assert.EndsWith("/account/login?ReturnUrl=%2Fbilling", page.Url);
        await Photograph(page, "sign-in");
        await page.GetByLabel("Email").FillAsync(owner.Email);
        await page.GetByLabel("Password").FillAsync("not the password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("The email or password is not right.");

        await SignInAsync(page, owner);
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Billing" })).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("header .who")).ToHaveTextAsync("Owner of the shop");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Assertions.Expect(page.GetByText("You are signed out.")).ToBeVisibleAsync();
        await page.GotoAsync("/");
        Assert.Contains("/account/login", page.Url);
    }

    [Fact]
    public async Task Chat_streams_the_offline_models_answer_with_its_tool_call_and_the_balance_drops()
    {
        var owner = await NewTenantAsync(tokens: 1_000);
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, owner);

        await Assertions.Expect(page.GetByLabel("Agent")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("[0-9a-f-]{36}"));
        await Photograph(page, "chat-empty");
        await page.GetByLabel("Message").FillAsync("What time is it?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        var toolCall = page.Locator("details.tool-call", new() { HasText = "current_time" });
        await Assertions.Expect(toolCall.Locator(".badge.succeeded")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".message.assistant .answer")).ToContainTextAsync("[offline model]");
        await Assertions.Expect(page.Locator(".notice.offline")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(".conversation.current")).ToContainTextAsync("What time is it?");
        await toolCall.Locator("summary").ClickAsync();
        await Assertions.Expect(toolCall.GetByText("Result")).ToBeVisibleAsync();
        await Photograph(page, "chat");

        var available = await BalanceAsync(owner);
        Assert.True(available < 1_000, $"the model calls were paid: {available} left");
        await page.GotoAsync("/billing");
        await Assertions.Expect(page.GetByTestId("available-tokens")).ToHaveTextAsync(available.ToString("N0"));
        await Assertions.Expect(page.Locator("table.data tbody tr").First).ToContainTextAsync("internal api llm");
        await Photograph(page, "billing");
    }

    [Fact]
    public async Task An_action_waiting_for_approval_is_approved_inline_and_the_run_goes_on()
    {
        var owner = await NewTenantAsync(tokens: 1_000);
        using var agents = system.App.CreateHttpClient("agents").WithToken(owner.Token);
        (await agents.PostAsJsonAsync("/agents", new
        {
            name = "Careful clock", tools = new[] { new { key = "current_time" } }, decisionPolicy = new { minimumLevel = "approval_required" },
        })).EnsureSuccessStatusCode();
        var page = await NewPageAsync();
        await page.GotoAsync("/");
        await SignInAsync(page, owner);

        await page.GetByLabel("Agent").SelectOptionAsync(new SelectOptionValue { Label = "Careful clock" });
        await page.GetByLabel("Message").FillAsync("What time is it?");
        await page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();

        var approval = page.GetByRole(AriaRole.Group, new() { Name = "Approval needed" });
        await Assertions.Expect(approval).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator("details.tool-call .badge.awaiting_approval")).ToBeVisibleAsync();
        await Photograph(page, "chat-approval");
        await approval.GetByRole(AriaRole.Button, new() { Name = "Approve" }).ClickAsync();

        await Assertions.Expect(page.Locator("details.tool-call .badge.succeeded")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.Locator(".message.assistant .answer")).ToContainTextAsync("[offline model]");
        await Assertions.Expect(approval).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_agent_is_created_with_a_tool_from_the_catalog()
    {
        var owner = await NewTenantAsync(tokens: 0);
        var page = await NewPageAsync();
        await page.GotoAsync("/agents");
        await SignInAsync(page, owner);

        await page.GetByRole(AriaRole.Button, new() { Name = "New agent" }).ClickAsync();
        await Assertions.Expect(page.Locator("#tool-current_time")).ToBeVisibleAsync();
        await page.GetByLabel("Name").FillAsync("Clock keeper");
        await page.GetByLabel("Instructions").FillAsync("Tell {{user.nonsense}} the time.");
        await page.Locator("input[id='tool-current_time']").CheckAsync();
        await Photograph(page, "agents-new");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not saved");

        await page.GetByLabel("Instructions").FillAsync("Tell {{user.name}} the time.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        var card = page.Locator(".agent-list li", new() { HasText = "Clock keeper" });
        await Assertions.Expect(card.Locator(".badge", new() { HasText = "current_time" })).ToBeVisibleAsync();
        await Photograph(page, "agents");
    }

    async Task<IPage> NewPageAsync()
    {
        var context = await _browser.NewContextAsync(new() { BaseURL = _web.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1280, Height = 800 } });
        return await context.NewPageAsync();
    }

    static async Task SignInAsync(IPage page, Owner owner)
    {
        await page.GetByLabel("Email").FillAsync(owner.Email);
        await page.GetByLabel("Password").FillAsync(Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    /// <summary>The page at a desktop and a phone size, whole, once it settled.</summary>
    static async Task Photograph(IPage page, string name)
    {
        Directory.CreateDirectory(Screenshots);
        foreach (var (size, width, height) in Sizes)
        {
            await page.SetViewportSizeAsync(width, height);
            await page.WaitForTimeoutAsync(300); // let the layout settle after the resize
            await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, $"{name}-{size}.png"), FullPage = true });
        }
        await page.SetViewportSizeAsync(1280, 800);
    }

    sealed record Owner(Guid TenantId, string Email, string Token);

    /// <summary>A new tenant signed up through agents, its owner holding <paramref name="tokens"/> bought at billing.</summary>
    async Task<Owner> NewTenantAsync(long tokens)
    {
        using var agents = system.App.CreateHttpClient("agents");
        var email = $"owner-{Guid.NewGuid():N}@example.com";
        using var signedUp = await agents.PostAsJsonAsync("/tenants", new { name = "Corner Shop", ownerEmail = email, ownerDisplayName = "Owner of the shop", ownerPassword = Password });
        signedUp.EnsureSuccessStatusCode();
        var tenantId = (await signedUp.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("tenantId").GetGuid();
        using var token = await agents.PostAsJsonAsync("/auth/token", new { email, password = Password });
        var owner = new Owner(tenantId, email, (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!);
        if (tokens > 0)
        {
            using var billing = system.App.CreateHttpClient("billing").WithToken(owner.Token);
            (await billing.PostAsJsonAsync($"/tokens/add/{tenantId}", new { amount = tokens, idempotencyKey = Guid.NewGuid().ToString() })).EnsureSuccessStatusCode();
        }
        return owner;
    }

    async Task<long> BalanceAsync(Owner owner)
    {
        using var billing = system.App.CreateHttpClient("billing").WithToken(owner.Token);
        // Model calls are committed in the background: wait until nothing is reserved any more.
        for (var attempt = 0; ; attempt++)
        {
            var balance = await billing.GetFromJsonAsync<JsonElement>($"/tokens/balance/{owner.TenantId}");
            if (balance.GetProperty("reservedTokens").GetInt64() == 0 || attempt == 50)
            {
                return balance.GetProperty("availableTokens").GetInt64();
            }
            await Task.Delay(200);
        }
    }
}
