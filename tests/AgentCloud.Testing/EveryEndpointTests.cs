using System.Net;
using System.Text;
using AgentCloud.ServiceDefaults.Auth;
using AgentCloud.Testing.OpenApi;
using Xunit;
using Xunit.Abstractions;

namespace AgentCloud.Testing;

/// <summary>
/// Every endpoint of the service's OpenAPI document, so endpoints added later are covered without edits here:
/// <list type="bullet">
/// <item>each endpoint that takes a body or a typed query or path parameter is sent the bad inputs <see cref="BadInputs"/>
/// derives from its description, as a caller it lets in: unreadable input answers 400 ProblemDetails (401/403/404 where
/// auth or scoping answers first), and nothing answers 5xx;</item>
/// <item>each endpoint that refuses an anonymous request also refuses every token of <see cref="TokenAttacks"/> with 401
/// ProblemDetails.</item>
/// </list>
/// </summary>
public abstract class EveryEndpointTests<TProgram>(ServiceFactory<TProgram> factory, ITestOutputHelper output) where TProgram : class
{
    static readonly HttpStatusCode[] AnsweredFirst = [HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.NotFound];

    [Fact]
    public async Task Bad_input_answers_400_problem_details_on_every_endpoint_and_never_500()
    {
        var tenant = Guid.NewGuid();
        // Who may call what differs per endpoint: an owner, and each service's own identity.
        string[] callers = [TestTokens.User(tenant, roles: [AgentCloudRoles.Owner, AgentCloudRoles.Admin]), .. ServiceClients.Known.Select(s => TestTokens.Service(s))];
        var client = factory.CreateClient();
        var operations = await ApiOperation.ReadAsync(client);
        var (sent, endpoints, reached, failures) = (0, 0, 0, new List<string>());

        foreach (var operation in operations)
        {
            var inputs = BadInputs.For(operation, tenant).ToList();
            if (inputs.Count == 0)
            {
                continue;
            }
            endpoints++;
            // The first caller the endpoint does not turn away reaches its input. The probe is an input that gets past
            // routing (a wrong path parameter may answer 404 to anyone).
            var probe = inputs.FirstOrDefault(i => !i.Description.StartsWith("path ", StringComparison.Ordinal)) ?? inputs[0];
            var caller = callers[^1];
            foreach (var candidate in callers)
            {
                using var answer = await client.SendAsync(probe.ToRequest(candidate));
                sent++;
                if (answer.StatusCode is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
                {
                    caller = candidate;
                    break;
                }
            }
            var statuses = new List<HttpStatusCode>();
            foreach (var input in inputs)
            {
                using var response = await client.SendAsync(input.ToRequest(caller));
                sent++;
                statuses.Add(response.StatusCode);
                Judge(input, response, failures);
            }
            reached += statuses.Contains(HttpStatusCode.BadRequest) ? 1 : 0;
            output.WriteLine($"  {operation}: {string.Join(", ", statuses.CountBy(s => (int)s).Select(c => $"{c.Value}×{c.Key}"))}");
        }

        output.WriteLine($"{sent} requests to {endpoints} of {operations.Count} endpoints ({reached} read the input and refused it " +
            $"with 400; the others were answered by auth or routing first); {failures.Count} wrong answers");
        failures.ForEach(output.WriteLine);
        Assert.NotEmpty(operations);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    static void Judge(BadInput input, HttpResponseMessage response, List<string> failures)
    {
        var status = response.StatusCode;
        var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
        var wrong = (int)status >= 500 ? "a server error"
            : !input.MustBeRefused ? null
            : status == HttpStatusCode.BadRequest ? (problem ? null : "400 without ProblemDetails")
            : AnsweredFirst.Contains(status) ? null
            : "accepted";
        if (wrong is not null)
        {
            failures.Add($"{input}: {(int)status} ({wrong})");
        }
    }

    [Fact]
    public async Task Every_protected_endpoint_refuses_every_bad_token_with_401_problem_details()
    {
        var attacks = TokenAttacks.For(ServiceFactory<TProgram>.ServiceName);
        var client = factory.CreateClient();
        var operations = await ApiOperation.ReadAsync(client);
        var (protectedCount, sent, failures) = (0, 0, new List<string>());

        foreach (var operation in operations)
        {
            var url = operation.Url(Guid.NewGuid());
            HttpRequestMessage Request() => new(operation.Method, url)
            {
                Content = operation.JsonBody is null ? null : new StringContent("{}", Encoding.UTF8, "application/json"),
            };
            using (var anonymous = await client.SendAsync(Request()))
            {
                if (anonymous.StatusCode != HttpStatusCode.Unauthorized)
                {
                    continue; // anonymous by design (sign-in, health, the document itself)
                }
            }
            protectedCount++;
            foreach (var (attack, token) in attacks)
            {
                using var request = Request();
                request.Headers.Authorization = new("Bearer", token);
                using var response = await client.SendAsync(request);
                sent++;
                if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    failures.Add($"{operation} with {attack}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
                }
            }
        }

        output.WriteLine($"{sent} requests with {attacks.Count} kinds of bad token to {protectedCount} protected of {operations.Count} " +
            $"endpoints; {failures.Count} not refused");
        failures.ForEach(output.WriteLine);
        Assert.True(protectedCount > 0, "no endpoint refused an anonymous request");
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }
}
