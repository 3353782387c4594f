using System.Text.RegularExpressions;

namespace AgentCloud.Billing.Apis;

static partial class Validation
{
    public const long MaxPurchase = 1_000_000_000;
    public const long MaxQuantity = 1_000_000;
    public const long MaxCost = 1_000_000;

    public static Dictionary<string, string[]> Errors() => [];

    public static void Check(this Dictionary<string, string[]> errors, bool valid, string field, string message)
    {
        if (!valid)
        {
            errors[field] = [message];
        }
    }

    public static bool IsOperationName(string? value) => value is not null && OperationName().IsMatch(value);

    public static bool IsShortText(string? value, int max) => value is null || value.Length <= max;

    [GeneratedRegex("^[a-z][a-z0-9_]{0,63}$")]
    private static partial Regex OperationName();
}
