namespace AgentCloud.Hosting.ApplicationModel;

public interface IResource
{
    string Name { get; }
}

/// <summary>A resource others connect to with a connection string (<c>ConnectionStrings__{name}</c>).</summary>
public interface IResourceWithConnectionString : IResource
{
    string ConnectionString { get; }
}

/// <summary>A resource others reach over HTTP (<c>services__{name}__http__0</c>).</summary>
public interface IResourceWithEndpoint : IResource
{
    string Url { get; }
}

/// <summary>Generated per referenced project in the AppHost (the <c>Projects</c> namespace), as Aspire does.</summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }
    string TargetPath { get; }
}
