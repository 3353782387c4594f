using System.Collections.Concurrent;
using System.Net;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace AgentCloud.ServiceDefaults.Resilience;

/// <summary>
/// The standard pipeline of Microsoft.Extensions.Http.Resilience, rebuilt on Polly.Core because that package is not
/// obtainable: total timeout, retry with jittered exponential backoff (idempotent requests only), circuit breaker
/// (one per target authority), attempt timeout.
/// </summary>
public sealed class StandardResiliencePipelines
{
    static readonly HashSet<HttpMethod> Idempotent = [HttpMethod.Get, HttpMethod.Head, HttpMethod.Options, HttpMethod.Put, HttpMethod.Delete];

    public static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("request");

    readonly ConcurrentDictionary<string, ResiliencePipeline<HttpResponseMessage>> _byAuthority = new();

    public ResiliencePipeline<HttpResponseMessage> For(Uri target) => _byAuthority.GetOrAdd(target.Authority, _ => Build());

    static ResiliencePipeline<HttpResponseMessage> Build() => new ResiliencePipelineBuilder<HttpResponseMessage>()
        .AddTimeout(TimeSpan.FromSeconds(30))
        .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
        {
            MaxRetryAttempts = 3,
            Delay = TimeSpan.FromMilliseconds(200),
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            ShouldHandle = args => ValueTask.FromResult(
                args.Context.Properties.TryGetValue(RequestKey, out var request)
                && Idempotent.Contains(request.Method)
                && IsTransient(args.Outcome)),
        })
        .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
        {
            FailureRatio = 0.5,
            MinimumThroughput = 20,
            SamplingDuration = TimeSpan.FromSeconds(30),
            BreakDuration = TimeSpan.FromSeconds(5),
            ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
        })
        .AddTimeout(TimeSpan.FromSeconds(10))
        .Build();

    static bool IsTransient(Outcome<HttpResponseMessage> outcome) => outcome switch
    {
        { Exception: HttpRequestException or TimeoutRejectedException } => true,
        { Result: { } response } => (int)response.StatusCode >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        _ => false,
    };
}
