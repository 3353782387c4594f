using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace AgentCloud.Deploy.Tests.Support;

/// <summary>Reads YAML documents as nested maps and lists, and walks them by path.</summary>
public static class Yaml
{
    static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    public static IReadOnlyList<Dictionary<object, object>> Documents(string yaml)
    {
        var parser = new Parser(new StringReader(yaml));
        parser.Consume<StreamStart>();
        var documents = new List<Dictionary<object, object>>();
        while (parser.Accept<DocumentStart>(out _))
        {
            documents.Add(Deserializer.Deserialize<Dictionary<object, object>>(parser));
        }
        return documents;
    }

    /// <summary>The value at a path of keys joined by colons (<c>spec:template:spec</c>; keys hold dots), or null.</summary>
    public static object? At(this object? node, string path)
    {
        foreach (var key in path.Split(':'))
        {
            node = node is Dictionary<object, object> map && map.TryGetValue(key, out var next) ? next : null;
        }
        return node;
    }

    public static string? Text(this object? node, string path) => node.At(path) as string;

    public static IEnumerable<object> Items(this object? node, string path) => node.At(path) as List<object> ?? [];

    public static IEnumerable<Dictionary<object, object>> OfKind(this IEnumerable<Dictionary<object, object>> documents, string kind) =>
        documents.Where(d => d.Text("kind") == kind);
}
