namespace AgentCloud.Hosting.ApplicationModel;

public interface IResourceBuilder<out T> where T : IResource
{
    T Resource { get; }

    DistributedApplicationBuilder ApplicationBuilder { get; }
}

sealed class ResourceBuilder<T>(T resource, DistributedApplicationBuilder applicationBuilder) : IResourceBuilder<T> where T : IResource
{
    public T Resource => resource;

    public DistributedApplicationBuilder ApplicationBuilder => applicationBuilder;
}

public static class ResourceBuilderExtensions
{
    /// <summary>Start this resource only once <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : ProcessResource
    {
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    /// <summary>Passes a connection string as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithConnectionString> source)
        where T : ProcessResource
    {
        var resource = source.Resource;
        builder.Resource.Environment[$"ConnectionStrings__{resource.Name}"] = () => resource.ConnectionString;
        return builder;
    }

    /// <summary>Makes <c>http://{name}</c> resolve through <c>services__{name}__http__0</c>.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResourceWithEndpoint> source)
        where T : ProcessResource
    {
        var resource = source.Resource;
        builder.Resource.Environment[$"services__{resource.Name}__http__0"] = () => resource.Url;
        return builder;
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : ProcessResource
    {
        builder.Resource.Environment[name] = () => value;
        return builder;
    }

    /// <summary>A fixed port, unless configuration overrides it (<c>Ports__{name}</c>) or tests ask for free ports.</summary>
    public static IResourceBuilder<T> WithHttpEndpoint<T>(this IResourceBuilder<T> builder, int port)
        where T : ProcessResource
    {
        builder.Resource.RequestedPort = port;
        return builder;
    }
}
