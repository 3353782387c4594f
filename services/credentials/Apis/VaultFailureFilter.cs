using AgentCloud.Credentials.Crypto;

namespace AgentCloud.Credentials.Apis;

/// <summary>
/// Turns the vault's fail-closed exceptions into clear ProblemDetails (ids and versions only): 500 when a key or
/// ciphertext does not authenticate, 503 when the master key is missing or malformed.
/// </summary>
public sealed class VaultFailureFilter(ILogger<VaultFailureFilter> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        try
        {
            return await next(context);
        }
        catch (CredentialIntegrityException e)
        {
            logger.LogError("Vault integrity failure on {Path}: {Reason}", context.HttpContext.Request.Path, e.Message);
            return TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError,
                title: "The vault cannot use this tenant's key: its integrity check failed.", detail: e.Message);
        }
        catch (MasterKeyUnavailableException e)
        {
            logger.LogError("Vault master key unavailable on {Path}: {Reason}", context.HttpContext.Request.Path, e.Message);
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "The vault's master key is unavailable.", detail: e.Message);
        }
    }
}
