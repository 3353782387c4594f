using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace AgentCloud.ServiceDefaults.Telemetry;

/// <summary>
/// Names server spans "{method} {route}" and adds the HTTP semantic-convention tags that the (unobtainable)
/// ASP.NET Core instrumentation package would add.
/// </summary>
static class HttpServerSpanEnricher
{
    public static IApplicationBuilder UseServerSpanEnrichment(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var activity = Activity.Current;
            if (activity is null || !activity.IsAllDataRequested)
            {
                await next(context);
                return;
            }

            activity.SetTag("http.request.method", context.Request.Method);
            activity.SetTag("url.path", context.Request.Path.Value);
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                if (route is not null)
                {
                    activity.SetTag("http.route", route);
                    activity.DisplayName = $"{context.Request.Method} {route}";
                }
                activity.SetTag("http.response.status_code", context.Response.StatusCode);
                if (context.Response.StatusCode >= 500)
                {
                    activity.SetStatus(ActivityStatusCode.Error);
                }
            }
        });
}
