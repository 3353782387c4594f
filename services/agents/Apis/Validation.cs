using System.Net.Mail;
using AgentCloud.Agents.Permissions;

namespace AgentCloud.Agents.Apis;

/// <summary>Collects field errors for a ValidationProblem; empty when the input is fine.</summary>
public sealed class Validation
{
    readonly Dictionary<string, string[]> _errors = [];

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors;

    public Validation Name(string field, string? value, int max = 200) =>
        Check(field, !string.IsNullOrWhiteSpace(value) && value.Length <= max, $"{field} is required and at most {max} characters.");

    public Validation Email(string field, string? value) =>
        Check(field, value is { Length: >= 3 and <= 320 } && MailAddress.TryCreate(value, out var parsed) && parsed.Address == value,
            $"{field} must be an email address.");

    public Validation Password(string field, string? value, bool required) =>
        Check(field, value is null ? !required : value.Length is >= 8 and <= 200, $"{field} must be 8 to 200 characters.");

    public Validation Roles(string field, string[]? roles) =>
        Check(field, roles is null || (roles.Length > 0 && roles.All(RoleBundles.IsKnown)),
            $"{field} must be one or more of: {string.Join(", ", RoleBundles.All.Keys)}.");

    public Validation Permission(string field, string? value) =>
        Check(field, RoleBundles.IsWellFormedPermission(value), $"{field} must look like resource:action, e.g. email:send.");

    public Validation Check(string field, bool ok, string message)
    {
        if (!ok && !_errors.ContainsKey(field))
        {
            _errors[field] = [message];
        }
        return this;
    }
}
