using AgentCloud.Contracts.Credentials;
using AgentCloud.EventBus.Abstractions;
using AgentCloud.Triggers.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AgentCloud.Triggers.Listeners;

/// <summary>
/// A credential was rotated or deleted: every listener on it fetches it again at its next poll, on whichever replica
/// (the mark is in the database, since only one replica receives the event). A deleted one then fails visibly
/// (<c>last_error</c> on the trigger's listener) instead of polling with a stale token.
/// </summary>
public sealed class CredentialChangedHandlers(TriggersDbContext db)
    : IIntegrationEventHandler<CredentialRotated>, IIntegrationEventHandler<CredentialDeleted>
{
    public Task HandleAsync(CredentialRotated @event, CancellationToken cancellationToken) => MarkAsync(@event.CredentialId, cancellationToken);

    public Task HandleAsync(CredentialDeleted @event, CancellationToken cancellationToken) => MarkAsync(@event.CredentialId, cancellationToken);

    Task MarkAsync(Guid credentialId, CancellationToken cancellationToken) =>
        db.Database.ExecuteSqlAsync($"UPDATE listeners SET credential_changed_at = now() WHERE credential_id = {credentialId}", cancellationToken);
}
