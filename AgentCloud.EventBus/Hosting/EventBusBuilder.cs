using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentCloud.EventBus.Hosting;

public interface IEventBusBuilder
{
    IHostApplicationBuilder Host { get; }

    IServiceCollection Services => Host.Services;
}

sealed record EventBusBuilder(IHostApplicationBuilder Host) : IEventBusBuilder;
