using System.Diagnostics;
using AgentCloud.EventBus.TestConsumer;
using AgentCloud.EventBus.Telemetry;

// Child-process mode for the kill -9 test: after a delivery's handlers and inbox transaction have committed (the
// "process" span ends there) and before the ack, print its id and hang, so the test can kill the process in that gap.
using var listener = new ActivityListener
{
    ShouldListenTo = source => source.Name == EventBusTelemetry.Name,
    Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
    ActivityStopped = activity =>
    {
        if (activity.Kind == ActivityKind.Consumer && activity.Status != ActivityStatusCode.Error)
        {
            Console.WriteLine($"COMMITTED {activity.GetTagItem("messaging.message.id")}");
            Thread.Sleep(Timeout.Infinite);
        }
    },
};
ActivitySource.AddActivityListener(listener);

var app = TestApp.Build(new Dictionary<string, string?>(), args);
app.Run();
