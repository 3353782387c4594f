using AgentCloud.Hosting;
using AgentCloud.Hosting.ApplicationModel;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure: from the machine's own binaries, state kept in .agentcloud/
var postgres = builder.AddPostgres("postgres", port: 15432);
var agentsDb = postgres.AddDatabase("agentsdb");
var toolsDb = postgres.AddDatabase("toolsdb");
var credentialsDb = postgres.AddDatabase("credentialsdb");
var triggersDb = postgres.AddDatabase("triggersdb");
var billingDb = postgres.AddDatabase("billingdb");

var redis = builder.AddRedis("redis", port: 16379);

// Services: each owns its database
var billing = builder.AddProject<Projects.AgentCloud_Billing>("billing")
    .WithHttpEndpoint(port: 5105)
    .WithReference(billingDb).WithReference(redis)
    .WaitFor(billingDb).WaitFor(redis);

var credentials = builder.AddProject<Projects.AgentCloud_Credentials>("credentials")
    .WithHttpEndpoint(port: 5103)
    .WithReference(credentialsDb).WithReference(redis)
    .WaitFor(credentialsDb).WaitFor(redis);

var agents = builder.AddProject<Projects.AgentCloud_Agents>("agents")
    .WithHttpEndpoint(port: 5101)
    .WithReference(agentsDb).WithReference(redis)
    .WaitFor(agentsDb).WaitFor(redis);

var toolGateway = builder.AddProject<Projects.AgentCloud_ToolGateway>("tool-gateway")
    .WithHttpEndpoint(port: 5102)
    .WithReference(toolsDb).WithReference(redis)
    .WithReference(billing).WithReference(credentials).WithReference(agents)
    .WaitFor(toolsDb).WaitFor(redis);

var triggers = builder.AddProject<Projects.AgentCloud_Triggers>("triggers")
    .WithHttpEndpoint(port: 5104)
    .WithReference(triggersDb).WithReference(redis)
    .WithReference(credentials)
    .WaitFor(triggersDb).WaitFor(redis);

agents.WithReference(toolGateway).WithReference(billing).WithReference(credentials).WithReference(triggers);

// Every service gets its own service token from agents (client credentials).
billing.WithReference(agents);
credentials.WithReference(agents);
triggers.WithReference(agents);

// The dashboard and browser-facing backend
builder.AddProject<Projects.AgentCloud_Web>("web")
    .WithHttpEndpoint(port: 5100)
    .WithEnvironment("Auth__RequireAuthenticatedCaller", "false") // its pages use its own cookie session
    .WithReference(redis)
    .WithReference(agents).WithReference(toolGateway).WithReference(credentials).WithReference(triggers).WithReference(billing)
    .WaitFor(agents).WaitFor(toolGateway).WaitFor(credentials).WaitFor(triggers).WaitFor(billing);

if (builder.EnvironmentName == "Development")
{
    builder.AddStartupNote("""
        Demo sign-in (seeded in Development only; POST http://127.0.0.1:5101/auth/token):
          admin@demo.agentcloud.local  / demo-admin-password   (owner)
          member@demo.agentcloud.local / demo-member-password  (member)
        """);
}

builder.Build().Run();

public partial class Program;
