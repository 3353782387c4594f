using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>Seed 004's todo tools. The owner is the calling user from the invocation context, never an argument.</summary>
public sealed class TodoConnector(TimeProvider time) : IToolConnector
{
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("list_todos", ActionCategory.Resource, "List todos", "Lists the user's todos, newest first.", ["todos:read"], 0,
            DecisionLevel.Automatic,
            Schemas.Object(new()
            {
                ["completed"] = Schemas.Boolean("only completed (true) or open (false) todos; omit for all"),
                ["limit"] = Schemas.Integer("page size", 1, 100),
                ["offset"] = Schemas.Integer("items to skip", 0, 100_000),
            }), Timeout, ReadOnly: true),
        new("add_todo", ActionCategory.Resource, "Add todo", "Adds a todo for the user.", ["todos:write"], 0, DecisionLevel.Automatic,
            Schemas.Object(new()
            {
                ["title"] = Schemas.String("what to do", 1, 500),
                ["description"] = Schemas.String("details", maxLength: 5000),
                ["dueAt"] = Schemas.String("RFC 3339 due date-time", format: "date-time"),
            }, "title"), Timeout),
        new("update_todo", ActionCategory.Resource, "Update todo", "Changes a todo's title, description, due date or completion.",
            ["todos:write"], 0, DecisionLevel.Automatic,
            Schemas.Object(new()
            {
                ["id"] = Schemas.String("the todo's id", pattern: "^[0-9a-fA-F-]{36}$"),
                ["title"] = Schemas.String("new title", 1, 500),
                ["description"] = Schemas.String("new details", maxLength: 5000),
                ["dueAt"] = Schemas.String("new RFC 3339 due date-time", format: "date-time"),
                ["completed"] = Schemas.Boolean("done or not"),
            }, "id"), Timeout),
        new("delete_todo", ActionCategory.Resource, "Delete todo", "Deletes one of the user's todos.", ["todos:write"], 0,
            DecisionLevel.Automatic,
            Schemas.Object(new() { ["id"] = Schemas.String("the todo's id", pattern: "^[0-9a-fA-F-]{36}$") }, "id"), Timeout),
    ];

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        if (context.UserId is not { } userId)
        {
            return ToolOutcome.Fail("user_required", "Todos belong to a user; this call has none.");
        }
        var db = context.Services.GetRequiredService<ToolsDbContext>();
        var mine = db.Todos.Where(t => t.TenantId == context.TenantId && t.UserId == userId);
        switch (context.Definition.Key)
        {
            case "list_todos":
                if (context.Arguments.TryGetProperty("completed", out var completed))
                {
                    var wanted = completed.GetBoolean();
                    mine = mine.Where(t => t.Completed == wanted);
                }
                var limit = Int(context, "limit") ?? 10;
                var offset = Int(context, "offset") ?? 0;
                var total = await mine.CountAsync(cancellationToken);
                var page = await mine.OrderByDescending(t => t.CreatedAt).ThenBy(t => t.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);
                return ToolOutcome.Ok(new JsonObject
                {
                    ["todos"] = new JsonArray([.. page.Select(Json)]),
                    ["pagination"] = new JsonObject
                    {
                        ["limit"] = limit, ["offset"] = offset, ["total"] = total, ["has_more"] = offset + page.Count < total,
                    },
                });
            case "add_todo":
                var now = time.GetUtcNow();
                var todo = new TodoItem
                {
                    Id = Guid.CreateVersion7(), TenantId = context.TenantId, UserId = userId, Title = context.Argument("title")!,
                    Description = context.Argument("description"), DueAt = Date(context, "dueAt"), CreatedAt = now, UpdatedAt = now,
                };
                db.Todos.Add(todo);
                await db.SaveChangesAsync(cancellationToken);
                return ToolOutcome.Ok(Json(todo));
        }

        if (!Guid.TryParse(context.Argument("id"), out var id) || await mine.SingleOrDefaultAsync(t => t.Id == id, cancellationToken) is not { } found)
        {
            return ToolOutcome.Fail("not_found", "No such todo for this user.");
        }
        if (context.Definition.Key == "delete_todo")
        {
            db.Todos.Remove(found);
            await db.SaveChangesAsync(cancellationToken);
            return ToolOutcome.Ok(new JsonObject { ["deleted"] = id.ToString() });
        }
        found.Title = context.Argument("title") ?? found.Title;
        found.Description = context.Argument("description") ?? found.Description;
        found.DueAt = Date(context, "dueAt") ?? found.DueAt;
        if (context.Arguments.TryGetProperty("completed", out var done))
        {
            found.Completed = done.GetBoolean();
        }
        found.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return ToolOutcome.Ok(Json(found));
    }

    static int? Int(ToolContext context, string name) =>
        context.Arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetInt32() : null;

    static DateTimeOffset? Date(ToolContext context, string name) =>
        context.Argument(name) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture) : null;

    static JsonObject Json(TodoItem t) => new()
    {
        ["id"] = t.Id.ToString(),
        ["title"] = t.Title,
        ["description"] = t.Description,
        ["completed"] = t.Completed,
        ["due_at"] = t.DueAt?.ToString("O", CultureInfo.InvariantCulture),
        ["created_at"] = t.CreatedAt.ToString("O", CultureInfo.InvariantCulture),
        ["updated_at"] = t.UpdatedAt.ToString("O", CultureInfo.InvariantCulture),
    };
}
