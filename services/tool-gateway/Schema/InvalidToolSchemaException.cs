namespace AgentCloud.ToolGateway.Schema;

/// <summary>A tool's parameter schema that cannot be used to check arguments; the message says why, for people.</summary>
public sealed class InvalidToolSchemaException(string message, Exception? inner = null) : Exception(message, inner);
