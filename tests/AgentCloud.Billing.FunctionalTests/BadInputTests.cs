using System.Net;
using System.Net.Http.Json;
using System.Text;
using AgentCloud.Contracts.Billing;
using Npgsql;
using Xunit;

namespace AgentCloud.Billing.FunctionalTests;

public sealed class BadInputTests(BillingFactory factory) : IClassFixture<BillingFactory>
{
    readonly BillingClient _billing = new(factory);

    public static TheoryData<string> BadPurchases => new()
    {
        """{ "amount": -5 }""",
        """{ "amount": 0 }""",
        """{ "amount": 1000000000001 }""",
        """{ "amount": 100000000000000000000000000000 }""",
        """{ "amount": "lots" }""",
        """{ "amount": 10, "locationId": "not-a-uuid" }""",
        """{ "amount": 10.5 }""",
        """not json""",
    };

    [Theory]
    [MemberData(nameof(BadPurchases))]
    public async Task A_bad_purchase_is_a_400_and_writes_nothing(string body)
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);

        using var response = await _billing.ManagerOf(tenant).PostAsync($"/tokens/add/{tenant}", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        Assert.Equal(1, await LedgerRowsAsync(tenant));
    }

    public static TheoryData<string> BadHolds => new()
    {
        """{ "tenantId": "{T}", "operationType": "teleportation", "idempotencyKey": "k1" }""",
        """{ "tenantId": "{T}", "operationType": "sms", "idempotencyKey": "" }""",
        """{ "tenantId": "{T}", "operationType": "sms" }""",
        """{ "tenantId": "{T}", "operationType": "sms", "idempotencyKey": "k2", "quantity": -1 }""",
        """{ "tenantId": "{T}", "operationType": "sms", "idempotencyKey": "k3", "quantity": 99999999999999 }""",
        """{ "tenantId": "{T}", "operationType": "sms", "idempotencyKey": "k4", "ttlSeconds": 0 }""",
        """{ "tenantId": "{T}", "operationType": "sms", "idempotencyKey": "k5", "metadata": [1] }""",
        """{ "tenantId": "00000000-0000-0000-0000-000000000000", "operationType": "sms", "idempotencyKey": "k6" }""",
        """{ "tenantId": "nope", "operationType": "sms", "idempotencyKey": "k7" }""",
    };

    [Theory]
    [MemberData(nameof(BadHolds))]
    public async Task A_bad_hold_is_a_400_and_reserves_nothing(string body)
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);

        using var response = await _billing.ToolGateway.PostAsync("/tokens/holds",
            new StringContent(body.Replace("{T}", tenant.ToString()), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(100, (await _billing.BalanceAsync(tenant)).AvailableTokens);
        Assert.Equal(1, await LedgerRowsAsync(tenant));
    }

    [Fact]
    public async Task A_negative_commit_amount_is_a_400_and_a_non_uuid_hold_id_is_a_404()
    {
        var tenant = Guid.NewGuid();
        await _billing.PurchaseAsync(tenant, 100);
        var hold = await _billing.HeldAsync(tenant, OperationTypes.Email);

        using var negative = await _billing.CommitAsync(hold.HoldId, -1);
        using var notUuid = await _billing.ToolGateway.PostAsJsonAsync("/tokens/holds/123/commit", new CommitHoldRequest());
        using var badUsageLimit = await _billing.MemberOf(tenant).GetAsync($"/tokens/usage/{tenant}?limit=100000");

        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, notUuid.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badUsageLimit.StatusCode);
        Assert.Equal("held", (await _billing.ToolGateway.GetFromJsonAsync<HoldResponse>($"/tokens/holds/{hold.HoldId}"))!.Status);
    }

    async Task<long> LedgerRowsAsync(Guid tenant)
    {
        await using var connection = new NpgsqlConnection(factory.DatabaseConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM ledger_entries l JOIN token_accounts a ON a.id = l.account_id WHERE a.tenant_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter { Value = tenant });
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
