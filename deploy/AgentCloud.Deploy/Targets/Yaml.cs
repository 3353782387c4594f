using YamlDotNet.Serialization;

namespace AgentCloud.Deploy.Targets;

/// <summary>
/// YAML documents built from ordered maps, so the files come out byte-for-byte the same for the same model. Null values
/// are left out, which lets a map say "only when" inline.
/// </summary>
public static class Yaml
{
    static readonly ISerializer Serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        .Build();

    public static OrderedDictionary<string, object> Map(params (string Key, object? Value)[] entries)
    {
        var map = new OrderedDictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            if (value is not null)
            {
                map.Add(key, value);
            }
        }
        return map;
    }

    public static string Documents(params IEnumerable<object> documents) =>
        string.Join("---\n", documents.Select(d => Serializer.Serialize(d)));
}
