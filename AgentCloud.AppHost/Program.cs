using AgentCloud.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

// Infrastructure. Run: PostgreSQL and redis-server from this machine's binaries, state in .agentcloud/.
// Publish: the standard PostgreSQL and Redis containers (see Extensions.cs).
var postgres = builder.AddPostgresServer("postgres", port: 15432);
var agentsDb = postgres.AddDatabase("agentsdb");
var toolsDb = postgres.AddDatabase("toolsdb");
var credentialsDb = postgres.AddDatabase("credentialsdb");
var triggersDb = postgres.AddDatabase("triggersdb");
var billingDb = postgres.AddDatabase("billingdb");

var redis = builder.AddRedisServer("redis", port: 16379);

// Services: each owns its database
var billing = builder.AddService<Projects.AgentCloud_Billing>("billing", port: 5105)
    .WithReference(billingDb).WithReference(redis)
    .WaitFor(billingDb).WaitFor(redis);

var credentials = builder.AddService<Projects.AgentCloud_Credentials>("credentials", port: 5103)
    .WithReference(credentialsDb).WithReference(redis)
    .WaitFor(credentialsDb).WaitFor(redis);

var agents = builder.AddService<Projects.AgentCloud_Agents>("agents", port: 5101)
    .WithReference(agentsDb).WithReference(redis)
    .WaitFor(agentsDb).WaitFor(redis);

var toolGateway = builder.AddService<Projects.AgentCloud_ToolGateway>("tool-gateway", port: 5102)
    .WithReference(toolsDb).WithReference(redis)
    .WithReference(billing).WithReference(credentials).WithReference(agents)
    .WaitFor(toolsDb).WaitFor(redis);

var triggers = builder.AddService<Projects.AgentCloud_Triggers>("triggers", port: 5104)
    .WithReference(triggersDb).WithReference(redis)
    .WithReference(credentials)
    .WaitFor(triggersDb).WaitFor(redis);

agents.WithReference(toolGateway).WithReference(billing).WithReference(credentials).WithReference(triggers);
toolGateway.WithReference(triggers); // the reminder tools

// Every service gets its own service token from agents (client credentials).
billing.WithReference(agents);
credentials.WithReference(agents);
triggers.WithReference(agents);

// The dashboard and browser-facing backend
builder.AddService<Projects.AgentCloud_Web>("web", port: 5100)
    .WithEnvironment("Auth__RequireAuthenticatedCaller", "false") // its pages use its own cookie session
    .WithReference(redis)
    .WithReference(agents).WithReference(toolGateway).WithReference(credentials).WithReference(triggers).WithReference(billing)
    .WaitFor(agents).WaitFor(toolGateway).WaitFor(credentials).WaitFor(triggers).WaitFor(billing)
    .WithStartupNote(agents);

builder.Build().Run();
