using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit;

namespace AgentCloud.ServiceDefaults.Tests;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ConsoleCollection
{
    public const string Name = "console";
}

/// <summary>
/// Issue 13: control characters from requests never reach the console log raw. A service logs what came in (path,
/// query, header, body), the framework logs the request line and refuses a parameter it cannot bind; the console
/// output, read back, has their NULs and newlines as escapes and no forged line.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LogEscapingTests
{
    [Fact]
    public async Task NUL_and_newline_from_a_request_are_escaped_in_the_console_log()
    {
        var console = new StringWriter();
        var original = Console.Out;
        Console.SetOut(console); // the console logger takes its writer when the host is built
        try
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddServiceDefaults();
            var app = builder.Build();
            app.MapDefaultEndpoints();
            app.MapPost("/notes/{**path}", async (string path, string? q, HttpRequest request, ILogger<LogEscapingTests> logger) =>
            {
                var body = await new StreamReader(request.Body).ReadToEndAsync();
                logger.LogWarning("Note at {Path} with {Query}, {Header} and {Body}", path, q, request.Headers["X-Note"].ToString(), body);
            }).AllowAnonymous();
            app.MapGet("/typed", (int limit) => limit).AllowAnonymous();
            await app.StartAsync();

            using (var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) })
            {
                using var note = new HttpRequestMessage(HttpMethod.Post, "/notes/a%0Ainfo:%20Forged.Path%5B0%5D?q=x%00y%0Ainfo:%20Forged.Query%5B0%5D")
                {
                    Content = new StringContent("body\0\ninfo: Forged.Body[0]\r\n", Encoding.UTF8, "text/plain"),
                };
                note.Headers.Add("X-Note", "tab\there");
                (await http.SendAsync(note)).EnsureSuccessStatusCode();
                Assert.Equal(System.Net.HttpStatusCode.BadRequest, (await http.GetAsync("/typed?limit=%00%0Ainfo:%20Forged.Binding%5B0%5D")).StatusCode);
            }
            await app.StopAsync();
            await app.DisposeAsync(); // flushes the console logger's queue
        }
        finally
        {
            Console.SetOut(original);
        }

        var log = console.ToString();
        Assert.Contains(@"a\ninfo: Forged.Path[0]", log);
        Assert.Contains(@"x\0y\ninfo: Forged.Query[0]", log);
        Assert.Contains(@"tab\there", log);
        Assert.Contains(@"body\0\ninfo: Forged.Body[0]\r\n", log);
        Assert.Contains(@"Request starting HTTP/1.1 POST http://", log); // the framework's own line, with the decoded path
        Assert.Contains(@"/notes/a\ninfo: Forged.Path[0]?q=", log);
        Assert.DoesNotContain('\0', log);
        Assert.DoesNotContain(log.Split('\n'), line => line.TrimStart().StartsWith("info: Forged", StringComparison.Ordinal));
    }
}
