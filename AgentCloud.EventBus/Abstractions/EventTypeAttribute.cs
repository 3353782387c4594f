namespace AgentCloud.EventBus.Abstractions;

/// <summary>The CloudEvent <c>type</c> (and default topic) of an event; without it the record's name is used.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventTypeAttribute(string type) : Attribute
{
    public string Type => type;
}
