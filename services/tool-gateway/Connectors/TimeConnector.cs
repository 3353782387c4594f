using System.Globalization;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>Internal: the current time in a time zone, and date arithmetic.</summary>
public sealed class TimeConnector(TimeProvider time) : IToolConnector
{
    static readonly string[] Units = ["minutes", "hours", "days", "weeks", "months", "years"];

    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("current_time", ActionCategory.Internal, "Current time", "The current date and time, in UTC and in a time zone.",
            [], 0, DecisionLevel.Automatic,
            Schemas.Object(new() { ["timezone"] = Schemas.String("IANA time zone, e.g. Europe/Paris (default UTC)", maxLength: 64) }),
            TimeSpan.FromSeconds(2), ReadOnly: true),
        new("date_add", ActionCategory.Internal, "Date arithmetic", "Adds (or subtracts, with a negative amount) a duration to a date-time.",
            [], 0, DecisionLevel.Automatic,
            Schemas.Object(new()
            {
                ["date"] = Schemas.String("RFC 3339 date-time", format: "date-time"),
                ["amount"] = Schemas.Integer("how many units (negative subtracts)", -100_000, 100_000),
                ["unit"] = Schemas.String("unit of amount", oneOf: Units),
            }, "date", "amount", "unit"),
            TimeSpan.FromSeconds(2), ReadOnly: true),
    ];

    public Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken) =>
        Task.FromResult(context.Definition.Key == "current_time" ? CurrentTime(context) : DateAdd(context));

    ToolOutcome CurrentTime(ToolContext context)
    {
        var zoneId = context.Argument("timezone") ?? "UTC";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            return ToolOutcome.Fail("unknown_timezone", $"'{zoneId}' is not a known time zone.");
        }
        var now = time.GetUtcNow();
        var local = TimeZoneInfo.ConvertTime(now, zone);
        return ToolOutcome.Ok(new JsonObject
        {
            ["utc"] = now.ToString("O", CultureInfo.InvariantCulture),
            ["local"] = local.ToString("O", CultureInfo.InvariantCulture),
            ["timezone"] = zone.Id,
            ["dayOfWeek"] = local.DayOfWeek.ToString(),
            ["unixSeconds"] = now.ToUnixTimeSeconds(),
        });
    }

    static ToolOutcome DateAdd(ToolContext context)
    {
        var date = DateTimeOffset.Parse(context.Argument("date")!, CultureInfo.InvariantCulture);
        var amount = context.Arguments.GetProperty("amount").GetInt32();
        try
        {
            var result = context.Argument("unit") switch
            {
                "minutes" => date.AddMinutes(amount),
                "hours" => date.AddHours(amount),
                "days" => date.AddDays(amount),
                "weeks" => date.AddDays(7L * amount),
                "months" => date.AddMonths(amount),
                _ => date.AddYears(amount),
            };
            return ToolOutcome.Ok(new JsonObject { ["result"] = result.ToString("O", CultureInfo.InvariantCulture) });
        }
        catch (ArgumentOutOfRangeException)
        {
            return ToolOutcome.Fail("out_of_range", "The result is outside the representable dates.");
        }
    }
}
