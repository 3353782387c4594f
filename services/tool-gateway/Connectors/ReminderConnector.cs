using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.Contracts.Triggers;
using AgentCloud.ToolGateway.Registry;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>
/// Seed 001's reminder tools over the triggers service: a reminder is a one-shot timer trigger of the calling agent,
/// for the calling user, that fires back into the call's conversation (the agent gets a <c>reminder_triggered</c>
/// tool message). Calls <c>http://triggers</c> with this service's identity, naming the tenant and user it acts for.
/// </summary>
public sealed class ReminderConnector(IHttpClientFactory httpClients, TimeProvider time) : IToolConnector
{
    public const string HttpClientName = "triggers";
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    const string IdPattern = "^[0-9a-fA-F-]{36}$";

    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("create_reminder", ActionCategory.Internal, "Create reminder",
            "Reminds you (the assistant) in this conversation at a time: give at (RFC 3339) or in_minutes.", [], 0, DecisionLevel.Automatic,
            Schemas.Object(new()
            {
                ["text"] = Schemas.String("what to remind about", 1, 2000),
                ["at"] = Schemas.String("when, RFC 3339 with offset", format: "date-time"),
                ["in_minutes"] = Schemas.Integer("or: in how many minutes", 1, 525_600),
            }, "text"), Timeout),
        new("list_reminders", ActionCategory.Internal, "List reminders", "The user's pending reminders with this assistant, soonest first.",
            [], 0, DecisionLevel.Automatic, Schemas.Object([]), Timeout),
        new("cancel_reminder", ActionCategory.Internal, "Cancel reminder", "Cancels one of the user's pending reminders with this assistant.",
            [], 0, DecisionLevel.Automatic, Schemas.Object(new() { ["id"] = Schemas.String("the reminder's id", pattern: IdPattern) }, "id"), Timeout),
    ];

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        if (context.AgentId is not { } agentId || context.UserId is not { } userId || context.ConversationId is not { } conversationId)
        {
            return ToolOutcome.Fail("conversation_required", "Reminders belong to an assistant's conversation with a user; this call names none.");
        }
        var http = httpClients.CreateClient(HttpClientName);
        var acting = $"tenant_id={context.TenantId}&user_id={userId}";
        try
        {
            return context.Definition.Key switch
            {
                "create_reminder" => await CreateAsync(context, http, agentId, conversationId, acting, cancellationToken),
                "list_reminders" => await ListAsync(http, agentId, acting, cancellationToken),
                _ => await CancelAsync(context, http, agentId, userId, acting, cancellationToken),
            };
        }
        catch (HttpRequestException)
        {
            return ToolOutcome.Fail("reminders_unavailable", "The reminder service could not be reached; nothing was changed.");
        }
    }

    async Task<ToolOutcome> CreateAsync(
        ToolContext context, HttpClient http, Guid agentId, Guid conversationId, string acting, CancellationToken cancellationToken)
    {
        var at = context.Argument("at") is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture)
            : context.Arguments.TryGetProperty("in_minutes", out var minutes) ? time.GetUtcNow().AddMinutes(minutes.GetInt32())
            : (DateTimeOffset?)null;
        if (at is null)
        {
            return ToolOutcome.Fail("invalid_arguments", "Give at or in_minutes.");
        }
        var options = JsonSerializer.SerializeToElement(new { at = at.Value.ToString("O", CultureInfo.InvariantCulture), reminder = context.Argument("text") });
        using var response = await http.PostAsJsonAsync($"agent/{agentId}/trigger?{acting}",
            new TriggerRequest(TriggerSystems.Timer, options, ConversationId: conversationId), cancellationToken);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.TooManyRequests)
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            return ToolOutcome.Fail(response.StatusCode == HttpStatusCode.BadRequest ? "invalid_arguments" : "too_many_reminders", Describe(problem));
        }
        response.EnsureSuccessStatusCode();
        return ToolOutcome.Ok(Show((await response.Content.ReadFromJsonAsync<TriggerDetails>(cancellationToken))!));
    }

    static async Task<ToolOutcome> ListAsync(HttpClient http, Guid agentId, string acting, CancellationToken cancellationToken)
    {
        var list = await http.GetFromJsonAsync<TriggerList>($"agent/{agentId}/triggers?{acting}&reminders=true&pending=true&mine=true&active=true",
            cancellationToken);
        return ToolOutcome.Ok(new JsonObject
        {
            ["reminders"] = new JsonArray([.. list!.Items.OrderBy(t => t.NextFireAt).Select(Show)]),
        });
    }

    static async Task<ToolOutcome> CancelAsync(
        ToolContext context, HttpClient http, Guid agentId, Guid userId, string acting, CancellationToken cancellationToken)
    {
        var id = context.Argument("id");
        using var found = await http.GetAsync($"triggers/{id}?{acting}", cancellationToken);
        var reminder = found.StatusCode == HttpStatusCode.OK ? await found.Content.ReadFromJsonAsync<TriggerDetails>(cancellationToken) : null;
        if (found.StatusCode != HttpStatusCode.NotFound)
        {
            found.EnsureSuccessStatusCode();
        }
        if (reminder is null || reminder.AgentId != agentId || reminder.UserId != userId || reminder.CompletedAt is not null
            || !reminder.Options.TryGetProperty("reminder", out _))
        {
            return ToolOutcome.Fail("not_found", "No such pending reminder of this user with this assistant.");
        }
        using var deleted = await http.DeleteAsync($"triggers/{id}?{acting}", cancellationToken);
        if (deleted.StatusCode == HttpStatusCode.NotFound)
        {
            return ToolOutcome.Fail("not_found", "No such pending reminder of this user with this assistant.");
        }
        deleted.EnsureSuccessStatusCode();
        return ToolOutcome.Ok(new JsonObject { ["cancelled"] = id });
    }

    static JsonObject Show(TriggerDetails reminder) => new()
    {
        ["id"] = reminder.TriggerId.ToString(),
        ["text"] = reminder.Options.TryGetProperty("reminder", out var text) ? text.GetString() : null,
        ["at"] = reminder.Options.TryGetProperty("at", out var at) ? at.GetString() : null,
    };

    /// <summary>The triggers service's problem, in words the model can act on.</summary>
    static string Describe(JsonElement problem) =>
        problem.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
            ? string.Join(" ", errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => m.GetString())))
            : problem.TryGetProperty("title", out var title) ? title.GetString() ?? "Refused." : "Refused.";
}
