using AgentCloud.ServiceDefaults.Lifecycle;

namespace AgentCloud.Credentials.Rotation;

/// <summary>Wakes the rotation worker at once when this replica starts a rotation.</summary>
public sealed class RotationSignal : WakeSignal;
