using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;

namespace AgentCloud.ServiceDefaults.Errors;

/// <summary>
/// Input the framework could not read (malformed JSON, an array for an object, a wrong type, a number too large,
/// <c>?limit=abc</c>, a missing required parameter) answers its own 4xx as ProblemDetails, never a 500, in every
/// environment: minimal APIs throw <see cref="BadHttpRequestException"/> for it (see <see cref="ProblemDetailsExtensions"/>).
/// </summary>
sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }
        context.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails = { Status = badRequest.StatusCode, Title = "The request could not be read.", Detail = badRequest.Message },
        });
    }
}
