using AgentCloud.Deploy.Tests.Support;
using Xunit;

namespace AgentCloud.Deploy.Tests;

/// <summary>What kubectl kustomize renders of each overlay (no cluster: the rendering is what can be checked here).</summary>
[Collection(DeploymentCollection.Name)]
public sealed class KustomizeTests(Deployment deployment)
{
    static readonly string[] Services = ["agents", "billing", "credentials", "tool-gateway", "triggers", "web"];

    [Theory]
    [InlineData("dev")]
    [InlineData("prod")]
    public async Task Every_Deployment_has_probes_limits_and_the_Dapr_annotations(string overlay)
    {
        var resources = await deployment.RenderAsync(overlay);
        var deployments = resources.OfKind("Deployment").ToList();
        Assert.Equal(Services, deployments.Select(d => d.Text("metadata:name")).Order(StringComparer.Ordinal));
        foreach (var d in deployments)
        {
            var name = d.Text("metadata:name");
            var pod = d.At("spec:template");
            Assert.Equal("true", pod.Text("metadata:annotations:dapr.io/enabled"));
            Assert.Equal(name, pod.Text("metadata:annotations:dapr.io/app-id"));
            Assert.Equal("8080", pod.Text("metadata:annotations:dapr.io/app-port"));
            var container = Assert.Single(pod.Items("spec:containers"));
            var env = container.Items("env").ToDictionary(e => e.Text("name")!);
            // The sidecar and the app prove themselves to each other with the tokens of the same two Secrets.
            Assert.Equal(pod.Text("metadata:annotations:dapr.io/app-token-secret"), env["APP_API_TOKEN"].Text("valueFrom:secretKeyRef:name"));
            Assert.Equal(pod.Text("metadata:annotations:dapr.io/api-token-secret"), env["DAPR_API_TOKEN"].Text("valueFrom:secretKeyRef:name"));
            foreach (var tokenSecret in new[] { "APP_API_TOKEN", "DAPR_API_TOKEN" }.Select(k => env[k].Text("valueFrom:secretKeyRef:name")))
            {
                Assert.Contains(resources.OfKind("Secret"), s => s.Text("metadata:name") == tokenSecret && s.At("data:token") is not null);
            }
            Assert.Equal("/alive", container.Text("livenessProbe:httpGet:path"));
            Assert.Equal("/health", container.Text("readinessProbe:httpGet:path"));
            Assert.NotNull(container.Text("resources:limits:cpu"));
            Assert.NotNull(container.Text("resources:limits:memory"));
            Assert.NotNull(container.Text("resources:requests:cpu"));
            Assert.Equal(overlay == "dev" ? "agentcloud-dev" : "agentcloud", d.Text("metadata:namespace"));
            Assert.Contains(resources.OfKind("Service"), s => s.Text("metadata:name") == name);
            Assert.Contains(resources.OfKind("PodDisruptionBudget"), p => p.Text("metadata:name") == name);
        }
        Assert.Equal(["agents", "tool-gateway"], resources.OfKind("HorizontalPodAutoscaler").Select(h => h.Text("metadata:name")).Order(StringComparer.Ordinal));
        Assert.Equal(["pubsub.redis", "secretstores.kubernetes"], resources.OfKind("Component").Select(c => c.Text("spec:type")).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Dev_runs_PostgreSQL_and_Redis_in_the_cluster_and_prod_does_not()
    {
        var dev = await deployment.RenderAsync("dev");
        Assert.Equal(["postgres", "redis"], dev.OfKind("StatefulSet").Select(s => s.Text("metadata:name")).Order(StringComparer.Ordinal));
        var init = Assert.Single(dev.OfKind("ConfigMap"), c => c.Text("metadata:name") == "postgres-init");
        Assert.Equal(
            "CREATE DATABASE agentsdb;\nCREATE DATABASE billingdb;\nCREATE DATABASE credentialsdb;\nCREATE DATABASE toolsdb;\nCREATE DATABASE triggersdb;\n",
            init.Text("data:create-databases.sql"));

        var prod = await deployment.RenderAsync("prod");
        Assert.Empty(prod.OfKind("StatefulSet"));
        Assert.All(prod.OfKind("Deployment").Where(d => d.At("spec:replicas") is not null), d => Assert.Equal("2", d.Text("spec:replicas")));
        Assert.All(prod.OfKind("HorizontalPodAutoscaler"), h => Assert.Equal("3", h.Text("spec:minReplicas")));
        Assert.Equal("agentcloud.example.com", Assert.Single(prod.OfKind("Ingress")).Items("spec:rules").Single().Text("host"));
    }

    [Fact]
    public async Task Only_the_web_app_has_an_ingress_and_only_the_credential_readers_reach_credentials()
    {
        var resources = await deployment.RenderAsync("prod");
        var ingress = Assert.Single(resources.OfKind("Ingress"));
        Assert.Equal("web", ingress.Items("spec:rules").Single().Items("http:paths").Single().Text("backend:service:name"));

        var policy = Assert.Single(resources.OfKind("NetworkPolicy"));
        Assert.Equal("credentials", policy.Text("spec:podSelector:matchLabels:app.kubernetes.io/name"));
        var from = policy.Items("spec:ingress").Single().Items("from").Single().Items("podSelector:matchExpressions").Single();
        Assert.Equal("In", from.Text("operator"));
        Assert.Equal(["agents", "tool-gateway", "triggers"], from.Items("values").Cast<string>().Order(StringComparer.Ordinal));
    }
}
