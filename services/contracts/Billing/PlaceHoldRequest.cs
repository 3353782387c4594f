using System.Text.Json;

namespace AgentCloud.Contracts.Billing;

/// <summary>
/// <c>POST /tokens/holds</c>: reserve cost(operationType) × quantity tokens before running the operation. The paying
/// account is the location's when it has one, else the tenant's. A retry with the same idempotency key (per tenant)
/// answers the first hold and reserves nothing more.
/// </summary>
public sealed record PlaceHoldRequest(
    Guid TenantId,
    string OperationType,
    string IdempotencyKey,
    Guid? LocationId = null,
    long? Quantity = null,
    Guid? UserId = null,
    string? SessionId = null,
    string? Description = null,
    JsonElement? Metadata = null,
    int? TtlSeconds = null);
