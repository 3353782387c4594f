using AgentCloud.Credentials.Crypto;
using AgentCloud.Credentials.Infrastructure;
using AgentCloud.Credentials.Model;
using AgentCloud.Credentials.Rotation;
using AgentCloud.ServiceDefaults.Auth;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AgentCloud.Credentials.Apis;

/// <summary>
/// Operator endpoints for master-key rotation. Callers: the service identities named in
/// <c>Credentials:OperatorServices</c> (default <c>credentials</c>: whoever holds this service's own client secret,
/// which lives in the same secret store as the master keys). Tenant users, even owners, get 403.
/// </summary>
public static class MasterKeyApi
{
    public static IEndpointRouteBuilder MapMasterKeyApi(this IEndpointRouteBuilder app)
    {
        var configuration = app.ServiceProvider.GetRequiredService<IConfiguration>();
        var operators = configuration.GetSection("Credentials:OperatorServices").Get<string[]>() is { Length: > 0 } configured
            ? configured
            : ["credentials"];
        var group = app.MapGroup("/admin/master-key").WithTags("Master key").RequireService(operators);

        group.MapGet("/", GetMasterKeyStatus).WithName("GetMasterKeyStatus")
            .WithSummary("The active master key version and how many data keys each version wraps");
        group.MapPost("/rotations", StartRotation).WithName("StartMasterKeyRotation")
            .WithSummary("Re-read the secret store and re-wrap every data key under the newest master key, in the background");
        group.MapGet("/rotations/{rotationId:guid}", GetRotation).WithName("GetMasterKeyRotation")
            .WithSummary("Progress of a rotation");
        return app;
    }

    public static async Task<Results<Ok<MasterKeyStatus>, ProblemHttpResult>> GetMasterKeyStatus(
        CredentialsDbContext db, MasterKeyRing masterKeys, CancellationToken cancellationToken)
    {
        try
        {
            var active = await masterKeys.GetActiveVersionAsync(cancellationToken);
            var counts = await db.TenantKeys.GroupBy(k => k.MasterKeyVersion)
                .Select(g => new { Version = g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
            return TypedResults.Ok(new MasterKeyStatus(active, counts.OrderBy(c => c.Version).ToDictionary(c => c.Version.ToString(), c => c.Count)));
        }
        catch (MasterKeyUnavailableException e)
        {
            return Unavailable(e);
        }
    }

    public static async Task<Results<Accepted<RotationProgress>, Conflict<RotationProgress>, ProblemHttpResult>> StartRotation(
        Caller caller, CredentialsDbContext db, MasterKeyRing masterKeys, RotationSignal signal, ILogger<MasterKeyRing> logger,
        CancellationToken cancellationToken)
    {
        int target;
        try
        {
            target = await masterKeys.RefreshAsync(cancellationToken);
        }
        catch (MasterKeyUnavailableException e)
        {
            return Unavailable(e);
        }
        var running = await db.MasterKeyRotations.AsNoTracking().FirstOrDefaultAsync(r => r.Status == RotationStatus.Running, cancellationToken);
        if (running is not null)
        {
            return TypedResults.Conflict(await ProgressAsync(db, running, cancellationToken));
        }
        var rotation = new MasterKeyRotation
        {
            Id = Guid.CreateVersion7(),
            TargetVersion = target,
            Status = RotationStatus.Running,
            Total = await db.TenantKeys.CountAsync(k => k.MasterKeyVersion != target, cancellationToken),
            RequestedBy = caller.ServiceName!,
            StartedAt = DateTimeOffset.UtcNow,
        };
        db.MasterKeyRotations.Add(rotation);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another replica started one between our check and insert.
            db.ChangeTracker.Clear();
            running = await db.MasterKeyRotations.AsNoTracking().FirstAsync(r => r.Status == RotationStatus.Running, cancellationToken);
            return TypedResults.Conflict(await ProgressAsync(db, running, cancellationToken));
        }
        logger.LogInformation("Master-key rotation {RotationId} to version {Version} started by {Operator}: {Total} data keys to re-wrap",
            rotation.Id, target, rotation.RequestedBy, rotation.Total);
        signal.Notify();
        return TypedResults.Accepted($"/admin/master-key/rotations/{rotation.Id}", await ProgressAsync(db, rotation, cancellationToken));
    }

    public static async Task<Results<Ok<RotationProgress>, NotFound>> GetRotation(
        Guid rotationId, CredentialsDbContext db, CancellationToken cancellationToken)
    {
        var rotation = await db.MasterKeyRotations.AsNoTracking().SingleOrDefaultAsync(r => r.Id == rotationId, cancellationToken);
        return rotation is null ? TypedResults.NotFound() : TypedResults.Ok(await ProgressAsync(db, rotation, cancellationToken));
    }

    static async Task<RotationProgress> ProgressAsync(CredentialsDbContext db, MasterKeyRotation r, CancellationToken cancellationToken)
    {
        var remaining = await db.TenantKeys.CountAsync(k => k.MasterKeyVersion != r.TargetVersion, cancellationToken);
        return new(r.Id, r.TargetVersion, r.Status, r.Total, r.Rewrapped, r.Failed, remaining, r.LastError, r.RequestedBy, r.StartedAt, r.FinishedAt);
    }

    static ProblemHttpResult Unavailable(MasterKeyUnavailableException e) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The vault's master key is unavailable.", detail: e.Message);
}
