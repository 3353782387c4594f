using Aspire.Hosting;
using Xunit;

namespace AgentCloud.AppHost.Tests;

/// <summary>Where run mode keeps its state when the clone sits somewhere PostgreSQL (the postgres user, as root) cannot enter.</summary>
public sealed class StateFolderTests : IDisposable
{
    readonly TempFolder _folder = new("agentcloud-clone-");

    [Fact]
    public void By_default_state_lives_beside_the_solution()
    {
        var builder = BuilderFor(Path.Combine(_folder.Path, "clone", "AgentCloud.AppHost"));

        Assert.Equal(Path.Combine(_folder.Path, "clone", ".agentcloud"), builder.StateFolder());
    }

    [Fact]
    public void A_clone_in_a_folder_only_root_can_enter_keeps_its_state_under_var_lib()
    {
        if (Environment.UserName != "root")
        {
            return; // PostgreSQL then runs as the current user, who can reach the clone
        }
        var home = Path.Combine(_folder.Path, "home");
        Directory.CreateDirectory(home);
        File.SetUnixFileMode(home, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var state = BuilderFor(Path.Combine(home, "clone", "AgentCloud.AppHost")).StateFolder();

        Assert.StartsWith("/var/lib/agentcloud/clone-", state);
        Assert.Equal(state, BuilderFor(Path.Combine(home, "clone", "AgentCloud.AppHost")).StateFolder()); // the same clone, the same state
        Assert.NotEqual(state, BuilderFor(Path.Combine(home, "other", "clone", "AgentCloud.AppHost")).StateFolder());
    }

    static IDistributedApplicationBuilder BuilderFor(string appHostDirectory)
    {
        Directory.CreateDirectory(appHostDirectory);
        return DistributedApplication.CreateBuilder(new DistributedApplicationOptions { ProjectDirectory = appHostDirectory, Args = [] });
    }

    public void Dispose() => _folder.Dispose();
}
