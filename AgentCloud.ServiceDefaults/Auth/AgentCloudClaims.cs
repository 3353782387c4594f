namespace AgentCloud.ServiceDefaults.Auth;

/// <summary>The claim names of AgentCloud access tokens, exactly as they appear in the JWT payload.</summary>
public static class AgentCloudClaims
{
    public const string Subject = "sub";
    public const string Tenant = "tid";
    public const string Teams = "teams";
    public const string Roles = "roles";
    public const string Service = "svc";
    public const string TokenId = "jti";
    public const string Issuer = "iss";
    public const string Audience = "aud";
    public const string Expires = "exp";
    public const string NotBefore = "nbf";
    public const string IssuedAt = "iat";
}

/// <summary>The role bundles every service understands (the directory defines what each grants).</summary>
public static class AgentCloudRoles
{
    public const string Owner = "owner";
    public const string Admin = "admin";
    public const string Member = "member";
}

public static class AuthenticationSchemes
{
    public const string Bearer = "Bearer";
}
