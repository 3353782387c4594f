using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentCloud.Billing.Jobs;
using AgentCloud.Billing.Ledger;
using AgentCloud.Billing.Model;
using AgentCloud.Contracts.Billing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

/// <summary>
/// The monthly fee as deployed (on): a month's first purchase pays it and says so, a purchase that cannot cover it is
/// refused naming it, the balance shows it, the usage log lists it, and a hold it left unpaid is refused naming it.
/// Responses are read as JSON, so these tests also ran (and failed) against the service before the fee policy.
/// </summary>
public sealed class MonthlyFeePolicyTests(FeeBillingFactory factory) : IClassFixture<FeeBillingFactory>
{
    const long Fee = 200; // seed 002's monthly_fee

    readonly BillingClient _billing = new(factory);

    static DateOnly MonthOf(DateTimeOffset instant) => new(instant.UtcDateTime.Year, instant.UtcDateTime.Month, 1);

    static DateTimeOffset StartOf(DateOnly month) => new(month.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    MonthlyFeeJob Job(DateOnly month) => new(
        factory.Services.GetRequiredService<TokenLedger>(), new ManualClock(StartOf(month).AddDays(3)),
        factory.Services.GetRequiredService<IOptions<BillingOptions>>(), NullLogger<MonthlyFeeJob>.Instance);

    async Task<JsonElement> BuyAsync(Guid tenant, long amount, string? key = null)
    {
        using var response = await _billing.ManagerOf(tenant).PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(amount, IdempotencyKey: key));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    async Task<JsonElement> BalanceAsync(Guid tenant) =>
        await _billing.MemberOf(tenant).GetFromJsonAsync<JsonElement>($"/tokens/balance/{tenant}");

    [Fact]
    public async Task A_first_purchase_smaller_than_the_fee_is_refused_with_422_naming_the_fee_and_nothing_is_written()
    {
        var tenant = Guid.NewGuid();

        using var refused = await _billing.ManagerOf(tenant).PostAsJsonAsync($"/tokens/add/{tenant}", new AddTokensRequest(100));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Contains("monthly fee", problem.Title, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"monthly fee of {Fee} tokens", problem.Detail);
        Assert.Equal(("200", "200", "0"), (problem.Extensions["monthlyFee"]!.ToString(), problem.Extensions["minimumAmount"]!.ToString(),
            problem.Extensions["availableTokens"]!.ToString()));
        var balance = await BalanceAsync(tenant);
        Assert.Equal(("none", 0L), (balance.GetProperty("paidBy").GetString(), balance.GetProperty("availableTokens").GetInt64()));
        Assert.Equal(Fee, balance.GetProperty("monthlyFee").GetProperty("dueTokens").GetInt64()); // what the first purchase will pay
        Assert.Empty((await _billing.MemberOf(tenant).GetFromJsonAsync<UsagePage>($"/tokens/usage/{tenant}"))!.Items);
        Assert.Empty(await BillingOutbox.ReadAsync(factory, tenant));

        // Exactly the fee is enough: bought, all of it paid the fee.
        var exact = await BuyAsync(tenant, Fee);
        Assert.Equal((0L, Fee), (exact.GetProperty("availableTokens").GetInt64(), exact.GetProperty("monthlyFeeCharged").GetInt64()));
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task The_months_first_purchase_pays_the_fee_and_the_answer_and_the_balance_say_what_it_took_and_when_the_next_is_due()
    {
        var tenant = Guid.NewGuid();
        var (before, key) = (DateTimeOffset.UtcNow, Guid.NewGuid().ToString());

        var first = await BuyAsync(tenant, 500, key);
        var after = DateTimeOffset.UtcNow;

        Assert.Equal((500L, 300L, Fee), (first.GetProperty("amount").GetInt64(), first.GetProperty("availableTokens").GetInt64(),
            first.GetProperty("monthlyFeeCharged").GetInt64()));
        var fee = first.GetProperty("monthlyFee");
        var month = DateOnly.Parse(fee.GetProperty("lastChargedMonth").GetString()!);
        Assert.Contains(month, new[] { MonthOf(before), MonthOf(after) });
        var chargedAt = fee.GetProperty("lastChargedAt").GetDateTimeOffset();
        Assert.InRange(chargedAt, before.AddSeconds(-5), after.AddSeconds(5)); // the database's clock
        Assert.Equal((Fee, Fee, 0L, StartOf(month.AddMonths(1))), (fee.GetProperty("amount").GetInt64(),
            fee.GetProperty("lastChargedTokens").GetInt64(), fee.GetProperty("dueTokens").GetInt64(), fee.GetProperty("nextDueAt").GetDateTimeOffset()));

        // The month's second purchase pays no fee; a repeat of the first answers it again, fee included.
        var second = await BuyAsync(tenant, 100);
        Assert.Equal((400L, 0L), (second.GetProperty("availableTokens").GetInt64(), second.GetProperty("monthlyFeeCharged").GetInt64()));
        var repeat = await BuyAsync(tenant, 500, key);
        Assert.Equal((300L, Fee), (repeat.GetProperty("availableTokens").GetInt64(), repeat.GetProperty("monthlyFeeCharged").GetInt64()));

        var balance = await BalanceAsync(tenant);
        Assert.Equal(400, balance.GetProperty("availableTokens").GetInt64());
        Assert.Equal(fee.ToString(), balance.GetProperty("monthlyFee").ToString());

        // The job finds this month paid; next month it charges again, and the balance says so.
        Assert.Equal(0, await Job(month).RunOnceAsync(CancellationToken.None)); // every purchase here paid its month
        Assert.Equal(400, (await BalanceAsync(tenant)).GetProperty("availableTokens").GetInt64());
        await Job(month.AddMonths(1)).RunOnceAsync(CancellationToken.None);
        var next = (await BalanceAsync(tenant)).GetProperty("monthlyFee");
        Assert.Equal((200L, month.AddMonths(1).ToString("yyyy-MM-dd"), StartOf(month.AddMonths(2))),
            ((await BalanceAsync(tenant)).GetProperty("availableTokens").GetInt64(), next.GetProperty("lastChargedMonth").GetString(),
                next.GetProperty("nextDueAt").GetDateTimeOffset()));
        await _billing.VerifyAsync();
    }

    [Fact]
    public async Task The_fee_is_in_the_usage_log_as_monthly_fee_saying_what_charged_it()
    {
        var (tenant, month) = (Guid.NewGuid(), MonthOf(DateTimeOffset.UtcNow));
        await BuyAsync(tenant, 1000);
        await Job(month.AddMonths(1)).RunOnceAsync(CancellationToken.None);

        var usage = (await _billing.MemberOf(tenant).GetFromJsonAsync<UsagePage>($"/tokens/usage/{tenant}?operationType={OperationTypes.MonthlyFee}"))!;

        Assert.Equal(2, usage.Items.Count);
        Assert.All(usage.Items, item => Assert.Equal((OperationTypes.MonthlyFee, Fee, (Guid?)null), (item.OperationType, item.TokensUsed, item.HoldId)));
        var byJob = JsonDocument.Parse(usage.Items[0].Metadata!).RootElement; // newest first
        var byPurchase = JsonDocument.Parse(usage.Items[1].Metadata!).RootElement;
        Assert.Equal(("monthly job", month.AddMonths(1).ToString("yyyy-MM"), 600L),
            (byJob.GetProperty("chargedBy").GetString(), byJob.GetProperty("month").GetString(), byJob.GetProperty("availableTokensAfter").GetInt64()));
        Assert.Equal(("purchase", month.ToString("yyyy-MM"), 800L),
            (byPurchase.GetProperty("chargedBy").GetString(), byPurchase.GetProperty("month").GetString(), byPurchase.GetProperty("availableTokensAfter").GetInt64()));
        Assert.Contains("charged by the purchase", usage.Items[1].Description);
        // Events go out as for any fee: TokensDebited of monthly_fee, from the purchase's transaction too.
        var debited = (await BillingOutbox.ReadAsync(factory, tenant)).OfType<TokensDebited>().ToList();
        Assert.Equal([(OperationTypes.MonthlyFee, Fee, 800L), (OperationTypes.MonthlyFee, Fee, 600L)],
            debited.Select(d => (d.OperationType, d.Tokens, d.AvailableTokens)));
    }

    [Fact]
    public async Task A_hold_refused_because_the_fee_took_the_tokens_names_the_fee_and_when_it_was_charged()
    {
        var (tenant, month) = (Guid.NewGuid(), MonthOf(DateTimeOffset.UtcNow));
        await BuyAsync(tenant, 250); // 50 after this month's fee
        await Job(month.AddMonths(1)).RunOnceAsync(CancellationToken.None); // -150
        await Job(month.AddMonths(2)).RunOnceAsync(CancellationToken.None); // -350

        using var refused = await _billing.HoldAsync(tenant, OperationTypes.Sms);

        Assert.Equal(HttpStatusCode.PaymentRequired, refused.StatusCode);
        var problem = (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Contains("monthly fee", problem.Title, StringComparison.OrdinalIgnoreCase);
        Assert.Contains($"monthly fee of {Fee} tokens for {month.AddMonths(2):yyyy-MM} was charged at", problem.Detail);
        Assert.Equal(("-350", "1", "200", month.AddMonths(2).ToString("yyyy-MM-dd")), (problem.Extensions["availableTokens"]!.ToString(),
            problem.Extensions["requiredTokens"]!.ToString(), problem.Extensions["monthlyFee"]!.ToString(), problem.Extensions["monthlyFeeMonth"]!.ToString()));
        var chargedAt = DateTimeOffset.Parse(problem.Extensions["monthlyFeeChargedAt"]!.ToString()!);
        var balance = (await BalanceAsync(tenant)).GetProperty("monthlyFee");
        Assert.Equal(balance.GetProperty("lastChargedAt").GetDateTimeOffset(), chargedAt);

        // A hold the balance could not pay even without the fee is refused as before: the fee is not to blame.
        await _billing.PurchaseAsync(tenant, 400); // -350 → 50
        using var tooBig = await _billing.HoldAsync(tenant, OperationTypes.Sms, quantity: 1000);
        var plain = (await tooBig.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal((HttpStatusCode.PaymentRequired, "Insufficient tokens", false),
            (tooBig.StatusCode, plain.Title, plain.Extensions.ContainsKey("monthlyFee")));
    }

    [Fact]
    public async Task The_job_does_not_charge_an_account_that_never_bought_anything()
    {
        var tenant = Guid.NewGuid();
        var ledger = factory.Services.GetRequiredService<TokenLedger>();
        await ledger.RecordUsageAsync(new UsageCommand(tenant, null, null, null, OperationTypes.Sms, 3, null, $"never-bought-{tenant}"), default);

        await Job(MonthOf(DateTimeOffset.UtcNow)).RunOnceAsync(CancellationToken.None);

        var balance = await BalanceAsync(tenant);
        Assert.Equal(-3, balance.GetProperty("availableTokens").GetInt64());
        Assert.Equal(Fee, balance.GetProperty("monthlyFee").GetProperty("dueTokens").GetInt64()); // its first purchase pays it
    }

    [Fact]
    public async Task The_purchase_endpoints_OpenAPI_description_states_the_fee_policy()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var purchase = document.GetProperty("paths").GetProperty("/tokens/add/{tenantId}").GetProperty("post");

        var description = purchase.GetProperty("description").GetString()!;
        Assert.Contains("monthly fee", description);
        Assert.Contains("first purchase", description);
        Assert.Contains("422", description);
        Assert.True(purchase.GetProperty("responses").TryGetProperty("422", out _));
    }
}
