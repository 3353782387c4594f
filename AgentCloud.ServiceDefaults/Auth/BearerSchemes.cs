using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>
/// <c>Bearer</c> forwards to one of two JwtBearer schemes by the token's (unvalidated) issuer: <see cref="Platform"/>
/// for our own HS256 tokens, <see cref="ExternalIssuer"/> for the OIDC issuer named by <see cref="AuthOptions.Authority"/>
/// (its metadata and keys are JwtBearer's business). Both then insist on a usable <see cref="Caller"/>.
/// </summary>
public static class BearerSchemes
{
    public const string Platform = "agentcloud";
    public const string ExternalIssuer = "external-issuer";

    public static string Select(HttpContext context)
    {
        var auth = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value;
        if (auth.Authority is null)
        {
            return Platform;
        }
        string header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : "";
        return UnvalidatedIssuer(token) is { } issuer && issuer != auth.Issuer ? ExternalIssuer : Platform;
    }

    static string? UnvalidatedIssuer(string token)
    {
        try
        {
            return new JsonWebToken(token).Issuer;
        }
        catch (ArgumentException)
        {
            return null; // not a JWT: the platform scheme refuses it
        }
    }

    /// <summary>Configures both schemes from <see cref="AuthOptions"/>.</summary>
    internal sealed class ConfigureOptions(IOptions<AuthOptions> auth, SigningKeyProvider keys) : IConfigureNamedOptions<JwtBearerOptions>
    {
        public void Configure(string? name, JwtBearerOptions options)
        {
            var settings = auth.Value;
            options.MapInboundClaims = false; // claims keep their JWT names: sub, tid, teams, roles, svc
            options.TokenValidationParameters = new TokenValidationParameters
            {
                NameClaimType = AgentCloudClaims.Subject,
                RoleClaimType = AgentCloudClaims.Roles,
                ClockSkew = settings.ClockSkew,
            };
            if (name == Platform)
            {
                options.TokenValidationParameters.ValidIssuer = settings.Issuer;
                options.TokenValidationParameters.ValidAudiences = [settings.Audience, .. settings.ServiceName is { } self ? [self] : Array.Empty<string>()];
                options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.HmacSha256];
                options.TokenValidationParameters.IssuerSigningKeyResolver = (_, _, _, _) => keys.Loaded is { } key ? [key] : [];
                options.Events = new JwtBearerEvents
                {
                    // Validation is synchronous; the key comes from the (possibly remote) secret store, read when a token comes.
                    OnMessageReceived = async context =>
                    {
                        if (context.Request.Headers.Authorization.Count > 0)
                        {
                            await keys.GetSecurityKeyAsync(context.HttpContext.RequestAborted);
                        }
                    },
                    OnTokenValidated = context => RefuseWithoutCaller(context, settings, fromPlatform: true),
                };
            }
            else if (name == ExternalIssuer && settings.Authority is { } authority)
            {
                options.Authority = authority;
                options.RequireHttpsMetadata = !new Uri(authority).IsLoopback;
                options.TokenValidationParameters.ValidAudience = settings.AuthorityAudience ?? settings.Audience;
                options.TokenValidationParameters.ValidAlgorithms = [SecurityAlgorithms.RsaSha256];
                options.TokenValidationParameters.TryAllIssuerSigningKeys = false; // a kid the issuer does not publish is refused
                options.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context => RefuseWithoutCaller(context, settings, fromPlatform: false),
                };
            }
        }

        public void Configure(JwtBearerOptions options) => Configure(Options.DefaultName, options);
    }

    /// <summary>
    /// A token that is correctly signed but names no AgentCloud caller (a subject that is not a user id, no tenant) is
    /// not an authentication here: 401 on every endpoint, never a binding failure. Service tokens come only from the
    /// platform and only for this service.
    /// </summary>
    static Task RefuseWithoutCaller(TokenValidatedContext context, AuthOptions settings, bool fromPlatform)
    {
        var audiences = (context.SecurityToken as JsonWebToken)?.Audiences.ToList() ?? [];
        var refusal = Caller.FromPrincipal(context.Principal!) switch
        {
            null => "The token names no AgentCloud caller: sub must be a user id and tid a tenant id, or svc a service.",
            { IsService: true } when !fromPlatform => "Service tokens are issued by the platform only.",
            { IsService: true } when settings.ServiceName is not { } self || !audiences.Contains(self) => "This service token is for another service.",
            { IsService: false } when fromPlatform && !audiences.Contains(settings.Audience) => "This token is not a user token of this platform.",
            _ => null,
        };
        if (refusal is not null)
        {
            context.Fail(refusal);
        }
        return Task.CompletedTask;
    }
}
