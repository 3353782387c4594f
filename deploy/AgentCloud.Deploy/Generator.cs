using AgentCloud.Deploy.Model;
using AgentCloud.Deploy.Targets;

namespace AgentCloud.Deploy;

public enum Target { All, Kubernetes, Aca }

/// <summary>The files of a target, by path relative to the output folder, in a stable order.</summary>
public static class Generator
{
    public static IReadOnlyList<(string Path, string Content)> Generate(string manifestJson, Target target)
    {
        var app = AppModel.FromManifest(manifestJson);
        IEnumerable<(string, string)> files = target switch
        {
            Target.Kubernetes => Kubernetes.Generate(app),
            Target.Aca => ContainerApps.Generate(app),
            _ => Kubernetes.Generate(app).Concat(ContainerApps.Generate(app)),
        };
        return [.. files.OrderBy(f => f.Item1, StringComparer.Ordinal)];
    }
}
