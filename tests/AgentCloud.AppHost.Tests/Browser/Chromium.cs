using AgentCloud.LocalServers;
using Microsoft.Playwright;

namespace AgentCloud.AppHost.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright: installed with apt-get when missing (as the fixtures install redis-server),
/// never Playwright's own download. Headless; --no-sandbox because tests run as root.
/// </summary>
public static class Chromium
{
    static readonly MachinePackage Package = new("chromium", "chromium", () => MachinePackage.Which("chromium"));

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var executable = Package.Ensure();
        var playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = executable,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        return (playwright, browser);
    }
}
