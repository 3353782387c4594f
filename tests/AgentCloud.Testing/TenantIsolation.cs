using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace AgentCloud.Testing;

/// <summary>
/// Proves a resource of tenant A is invisible to tenant B: B's read, update and delete answer 404, B's list does not
/// show it, and afterwards A still reads it unchanged. Call it for every endpoint that holds tenant data.
/// </summary>
public static class TenantIsolation
{
    /// <param name="tenantA">A client authenticated as the resource's tenant.</param>
    /// <param name="tenantB">A client authenticated as another tenant (give it the admin role: isolation must not rely on roles).</param>
    /// <param name="resourceUrl">The resource's own URL, e.g. <c>/teams/{id}</c>.</param>
    /// <param name="update">A valid update body (sent with <paramref name="updateMethod"/>), or null when the resource cannot be changed.</param>
    /// <param name="canDelete">Whether the endpoint supports DELETE.</param>
    /// <param name="listUrl">A list endpoint B might use to discover it; its body must not mention the resource's id.</param>
    public static async Task AssertTenantIsolatedAsync(
        HttpClient tenantA, HttpClient tenantB, string resourceUrl,
        object? update = null, HttpMethod? updateMethod = null, bool canDelete = true, string? listUrl = null)
    {
        using var before = await tenantA.GetAsync(resourceUrl);
        Assert.True(before.StatusCode == HttpStatusCode.OK, $"tenant A must read its own {resourceUrl}, got {(int)before.StatusCode}");
        var original = await before.Content.ReadAsStringAsync();

        using (var read = await tenantB.GetAsync(resourceUrl))
        {
            Assert.True(read.StatusCode == HttpStatusCode.NotFound, $"tenant B read {resourceUrl}: {(int)read.StatusCode}");
        }
        if (update is not null)
        {
            using var request = new HttpRequestMessage(updateMethod ?? HttpMethod.Put, resourceUrl) { Content = JsonContent.Create(update) };
            using var changed = await tenantB.SendAsync(request);
            Assert.True(changed.StatusCode == HttpStatusCode.NotFound, $"tenant B updated {resourceUrl}: {(int)changed.StatusCode}");
        }
        if (canDelete)
        {
            using var deleted = await tenantB.DeleteAsync(resourceUrl);
            Assert.True(deleted.StatusCode == HttpStatusCode.NotFound, $"tenant B deleted {resourceUrl}: {(int)deleted.StatusCode}");
        }
        if (listUrl is not null)
        {
            using var list = await tenantB.GetAsync(listUrl);
            var id = resourceUrl.TrimEnd('/').Split('/')[^1];
            Assert.DoesNotContain(id, await list.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
        }

        using var after = await tenantA.GetAsync(resourceUrl);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(original, await after.Content.ReadAsStringAsync());
    }
}
