using Xunit;

namespace AgentCloud.Deploy.Tests;

public sealed class CliTests : IDisposable
{
    readonly string _output = Directory.CreateTempSubdirectory("agentcloud-deploy-cli-").FullName;

    [Theory]
    [InlineData("unknown target 'helm'", "--target", "helm", "--output", "{out}")]
    [InlineData("unknown target '1'", "--target", "1", "--output", "{out}")]
    [InlineData("unknown option '--namespace'", "--namespace", "x", "--output", "{out}")]
    [InlineData("--output is required", "--target", "aca")]
    [InlineData("--target needs a value", "--output", "{out}", "--target")]
    [InlineData("no manifest at '/nonexistent/manifest.json'", "--output", "{out}", "--manifest", "/nonexistent/manifest.json")]
    public async Task Bad_options_answer_a_clear_message_and_exit_code_2(string message, params string[] args)
    {
        var (output, errors) = (new StringWriter(), new StringWriter());

        var exitCode = await Cli.RunAsync([.. args.Select(a => a.Replace("{out}", _output))], output, errors);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, errors.ToString());
        Assert.Contains("usage: dotnet run --project deploy/AgentCloud.Deploy", errors.ToString());
        Assert.Empty(Directory.GetFileSystemEntries(_output));
    }

    public void Dispose() => Directory.Delete(_output, recursive: true);
}
