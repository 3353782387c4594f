using System.Text.Json.Nodes;
using AgentCloud.Deploy.Model;
using AgentCloud.Deploy.Tests.Support;
using Xunit;

namespace AgentCloud.Deploy.Tests;

/// <summary>The files follow the AppHost's model: a new reference is published, something unknown stops the generator.</summary>
[Collection(DeploymentCollection.Name)]
public sealed class GeneratorTests(Deployment deployment)
{
    [Fact]
    public void A_database_added_to_the_AppHost_reaches_the_service_and_both_overlays()
    {
        var manifest = Manifest();
        manifest["resources"]!["searchdb"] = new JsonObject { ["type"] = "value.v0", ["connectionString"] = "{postgres.connectionString};Database=searchdb" };
        manifest["resources"]!["billing"]!["env"]!["ConnectionStrings__searchdb"] = "{searchdb.connectionString}";

        var files = Generator.Generate(manifest.ToJsonString(), Target.All).ToDictionary(f => f.Path, f => f.Content);

        Assert.Contains("name: ConnectionStrings__searchdb", files["kubernetes/base/billing.yaml"]);
        Assert.Contains("name: ConnectionStrings__searchdb", files["aca/billing.yaml"]);
        Assert.Contains("searchdb=CHANGE_ME\n", files["kubernetes/overlays/prod/connections.env"]);
        Assert.Contains("searchdb=Host=postgres;Port=5432;", files["kubernetes/overlays/dev/connections.env"]);
        Assert.Contains("CREATE DATABASE searchdb;", files["kubernetes/overlays/dev/create-databases.sql"]);
        Assert.DoesNotContain("searchdb", files["kubernetes/base/agents.yaml"]);
    }

    [Fact]
    public void A_resource_or_setting_the_generator_cannot_publish_stops_it_with_its_name()
    {
        var withQueue = Manifest();
        withQueue["resources"]!["rabbitmq"] = new JsonObject { ["type"] = "container.v0", ["image"] = "docker.io/library/rabbitmq:4" };
        Assert.Contains("'rabbitmq'", Assert.Throws<DeployException>(() => Generator.Generate(withQueue.ToJsonString(), Target.All)).Message);

        var withSetting = Manifest();
        withSetting["resources"]!["triggers"]!["env"]!["Search__Endpoint"] = "{search.bindings.grpc.url}";
        Assert.Contains("Search__Endpoint", Assert.Throws<DeployException>(() => Generator.Generate(withSetting.ToJsonString(), Target.All)).Message);
    }

    [Fact]
    public void A_new_service_gets_its_Deployment_Service_and_Container_App_and_its_callers_its_address()
    {
        var manifest = Manifest();
        var copy = JsonNode.Parse(manifest["resources"]!["billing"]!.ToJsonString())!;
        copy["env"]!["HTTP_PORTS"] = "{billing-reports.bindings.http.targetPort}";
        manifest["resources"]!["web"]!["env"]!["services__billing-reports__http__0"] = "{billing-reports.bindings.http.url}";
        manifest["resources"]!["billing-reports"] = copy;

        var files = Generator.Generate(manifest.ToJsonString(), Target.All).ToDictionary(f => f.Path, f => f.Content);

        Assert.Contains("kind: Deployment", files["kubernetes/base/billing-reports.yaml"]);
        Assert.Contains("app-id: billing-reports", files["kubernetes/base/billing-reports.yaml"]);
        Assert.Contains("billing-reports.yaml", files["kubernetes/base/kustomization.yaml"]);
        Assert.Contains("value: http://billing-reports", files["kubernetes/base/web.yaml"]);
        Assert.True(files.ContainsKey("aca/billing-reports.yaml"));
    }

    JsonNode Manifest() => JsonNode.Parse(deployment.ManifestJson)!;
}
