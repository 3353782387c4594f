using System.Text.Json;
using AgentCloud.Contracts.Tools;
using Xunit;

namespace AgentCloud.ToolGateway.FunctionalTests.Unit;

public sealed class ApprovalGrantFormatTests
{
    static string Hash(string json) => ApprovalGrant.HashArguments(JsonDocument.Parse(json).RootElement);

    [Fact]
    public void The_argument_hash_ignores_property_order_and_whitespace()
    {
        Assert.Equal(Hash("""{"b":1,"a":{"y":[1,2],"x":"s"}}"""), Hash("""{ "a": { "x": "s", "y": [1, 2] }, "b": 1 }"""));
        Assert.StartsWith("sha256:", Hash("{}"));
        Assert.Equal(7 + 64, Hash("{}").Length);
    }

    [Fact]
    public void The_argument_hash_changes_with_any_value_or_array_order()
    {
        var original = Hash("""{"to":"+15550001","message":"hi","list":[1,2]}""");
        Assert.NotEqual(original, Hash("""{"to":"+15550002","message":"hi","list":[1,2]}"""));
        Assert.NotEqual(original, Hash("""{"to":"+15550001","message":"hi","list":[2,1]}"""));
        Assert.NotEqual(original, Hash("""{"to":"+15550001","message":"hi ","list":[1,2]}"""));
    }

    [Fact]
    public void The_grant_key_is_derived_and_differs_from_the_platform_key()
    {
        var platform = new byte[32];
        Assert.NotEqual(platform, ApprovalGrant.DeriveKey(platform));
        Assert.Equal(ApprovalGrant.DeriveKey(platform), ApprovalGrant.DeriveKey(platform));
    }
}
