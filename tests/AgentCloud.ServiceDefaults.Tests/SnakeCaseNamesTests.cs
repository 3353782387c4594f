using AgentCloud.ServiceDefaults.Data;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

public sealed class SnakeCaseNamesTests
{
    [Theory]
    [InlineData("TenantId", "tenant_id")]
    [InlineData("Id", "id")]
    [InlineData("TotalTokensPurchased", "total_tokens_purchased")]
    [InlineData("HTTPStatus", "http_status")]
    [InlineData("LastMonthlyFeeDate", "last_monthly_fee_date")]
    public void Pascal_case_becomes_snake_case(string name, string expected) =>
        Assert.Equal(expected, SnakeCaseNames.ToSnakeCase(name));
}
