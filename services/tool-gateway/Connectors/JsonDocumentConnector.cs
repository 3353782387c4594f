using System.Text.Json.Nodes;
using AgentCloud.ToolGateway.Infrastructure;
using AgentCloud.ToolGateway.Model;
using AgentCloud.ToolGateway.Registry;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.ToolGateway.Connectors;

/// <summary>Seed 000's JSONBin: named JSON documents per tenant (get, put, list).</summary>
public sealed class JsonDocumentConnector(TimeProvider time) : IToolConnector
{
    const int MaxDocumentBytes = 256 * 1024;
    static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    static readonly JsonObject Name = Schemas.String("document name", 1, 200, pattern: "^[A-Za-z0-9._/-]+$");

    public IReadOnlyList<ActionDefinition> Definitions { get; } =
    [
        new("json_get", ActionCategory.Resource, "Read JSON document", "Reads a named JSON document of the tenant.", ["documents:read"], 0,
            DecisionLevel.Automatic, Schemas.Object(new() { ["name"] = Name.DeepClone() }, "name"), Timeout, ReadOnly: true),
        new("json_put", ActionCategory.Resource, "Write JSON document", "Creates or replaces a named JSON document of the tenant.",
            ["documents:write"], 0, DecisionLevel.Automatic,
            Schemas.Object(new() { ["name"] = Name.DeepClone(), ["content"] = Schemas.Any("any JSON value") }, "name", "content"), Timeout),
        new("json_list", ActionCategory.Resource, "List JSON documents", "Lists the tenant's document names, optionally by prefix.",
            ["documents:read"], 0, DecisionLevel.Automatic,
            Schemas.Object(new() { ["prefix"] = Schemas.String("name prefix", maxLength: 200) }), Timeout, ReadOnly: true),
    ];

    public async Task<ToolOutcome> ExecuteAsync(ToolContext context, CancellationToken cancellationToken)
    {
        var db = context.Services.GetRequiredService<ToolsDbContext>();
        var documents = db.JsonDocuments.Where(d => d.TenantId == context.TenantId);
        var name = context.Argument("name");
        switch (context.Definition.Key)
        {
            case "json_get":
                var found = await documents.SingleOrDefaultAsync(d => d.Name == name, cancellationToken);
                return found is null
                    ? ToolOutcome.Fail("not_found", $"No document named '{name}'.")
                    : ToolOutcome.Ok(new JsonObject { ["name"] = found.Name, ["content"] = JsonNode.Parse(found.Content), ["updatedAt"] = found.UpdatedAt });
            case "json_put":
                var content = context.Arguments.GetProperty("content").GetRawText();
                if (content.Length > MaxDocumentBytes)
                {
                    return ToolOutcome.Fail("too_large", $"Documents are limited to {MaxDocumentBytes} bytes.");
                }
                var now = time.GetUtcNow();
                // One statement, so two concurrent puts of the same name cannot both insert.
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    INSERT INTO json_documents (tenant_id, name, content, updated_at)
                    VALUES ({context.TenantId}, {name}, CAST({content} AS jsonb), {now})
                    ON CONFLICT (tenant_id, name) DO UPDATE SET content = EXCLUDED.content, updated_at = EXCLUDED.updated_at
                    """, cancellationToken);
                return ToolOutcome.Ok(new JsonObject { ["name"] = name, ["updatedAt"] = now });
            default:
                var prefix = context.Argument("prefix") ?? "";
                var names = await documents.Where(d => d.Name.StartsWith(prefix)).OrderBy(d => d.Name).Select(d => d.Name).Take(1000)
                    .ToListAsync(cancellationToken);
                return ToolOutcome.Ok(new JsonObject { ["names"] = new JsonArray([.. names.Select(n => JsonValue.Create(n))]) });
        }
    }
}
