using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.ServiceDefaults.Secrets;
using Microsoft.AspNetCore.Http.HttpResults;
using AgentCloud.Agents.Identity;
using Microsoft.Extensions.Options;

namespace AgentCloud.Agents.Apis;

/// <summary>
/// Client credentials for the platform's services: their own identity, never a user's. Failed attempts are throttled
/// per client id and per client address, as sign-in is.
/// </summary>
public static class ServiceTokenApi
{
    public static IEndpointRouteBuilder MapServiceTokenApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/auth/service-token", IssueServiceToken)
            .AllowAnonymous()
            .WithName("IssueServiceToken").WithSummary("Trade a service's client secret for a service token").WithTags("Auth");
        return app;
    }

    public static async Task<Results<Ok<ServiceTokenResponse>, ProblemHttpResult, ValidationProblem>> IssueServiceToken(
        ServiceTokenRequest? request, ISecretStore secrets, AccessTokenWriter writer, IOptions<AuthOptions> options,
        FailedAttemptThrottle throttle, HttpContext http, CancellationToken cancellationToken)
    {
        if (request is null || string.IsNullOrEmpty(request.ClientId) || string.IsNullOrEmpty(request.ClientSecret))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["clientId"] = ["clientId and clientSecret are required."] });
        }
        if (!ServiceClients.Known.Contains(request.Audience))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["audience"] = [$"audience names the service the token is for: one of {string.Join(", ", ServiceClients.Known)}."],
            });
        }
        var (client, address) = (throttle.Client(request.ClientId), throttle.Address(http));
        if (throttle.RetryAfter(client, address) is { } wait)
        {
            return FailedAttemptThrottle.TooManyAttempts(http, wait);
        }
        if (!await secrets.ValidateAsync(request.ClientId, request.ClientSecret, cancellationToken))
        {
            throttle.RecordFailure(client, address);
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong client credentials");
        }
        var token = await writer.CreateServiceTokenAsync(request.ClientId, request.Audience, cancellationToken);
        return TypedResults.Ok(new ServiceTokenResponse(token.AccessToken, "Bearer", (int)options.Value.ServiceTokenLifetime.TotalSeconds));
    }
}
