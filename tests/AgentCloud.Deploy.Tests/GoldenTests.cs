using AgentCloud.Deploy.Tests.Support;
using Xunit;

namespace AgentCloud.Deploy.Tests;

/// <summary>
/// The generated files for the real topology, compared with the committed ones in <c>golden/</c>: a change to the
/// AppHost or the generator shows up as a reviewed diff. <c>UPDATE_GOLDEN=1 dotnet test tests/AgentCloud.Deploy.Tests</c>
/// rewrites the folder.
/// </summary>
[Collection(DeploymentCollection.Name)]
public sealed class GoldenTests(Deployment deployment)
{
    static readonly string Golden = Path.Combine(Deployment.Repository, "tests", "AgentCloud.Deploy.Tests", "golden");

    [Fact]
    public void The_generated_files_are_the_committed_golden_files()
    {
        if (Environment.GetEnvironmentVariable("UPDATE_GOLDEN") == "1")
        {
            if (Directory.Exists(Golden))
            {
                Directory.Delete(Golden, recursive: true);
            }
            foreach (var (path, content) in deployment.Files)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(Golden, path))!);
                File.WriteAllText(Path.Combine(Golden, path), content);
            }
        }
        var committed = Directory.GetFiles(Golden, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Golden, f)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(committed, deployment.Files.Select(f => f.Path));
        foreach (var (path, content) in deployment.Files)
        {
            Assert.True(File.ReadAllText(Path.Combine(Golden, path)) == content,
                $"{path} differs from the golden file (UPDATE_GOLDEN=1 rewrites them; review the diff)");
        }
    }

    [Fact]
    public void The_same_manifest_gives_the_same_files()
    {
        Assert.Equal(deployment.Files, Generator.Generate(deployment.ManifestJson, Target.All));
    }
}
