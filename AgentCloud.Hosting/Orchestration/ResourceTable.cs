using System.Text;
using System.Text.Json;

namespace AgentCloud.Hosting.Orchestration;

/// <summary>The resources at a glance: printed as a table, and kept in <c>{state}/resources.json</c> for scripts.</summary>
static class ResourceTable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static string Format(IEnumerable<ResourceSnapshot> resources)
    {
        var rows = resources.Select(r => new[] { r.Name, r.State.ToString(), r.Url, r.Pid?.ToString() ?? "-", r.Restarts.ToString() }).ToList();
        string[] header = ["Resource", "State", "URL", "PID", "Restarts"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine("  " + string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        Line(header);
        Line(widths.Select(w => new string('-', w)).ToArray());
        rows.ForEach(Line);
        return text.ToString();
    }

    public static void Save(string path, IEnumerable<ResourceSnapshot> resources)
    {
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(resources.Select(r => new
        {
            name = r.Name,
            state = r.State.ToString(),
            url = r.Url,
            pid = r.Pid,
            restarts = r.Restarts,
        }), Json));
        File.Move(temporary, path, overwrite: true);
    }
}
