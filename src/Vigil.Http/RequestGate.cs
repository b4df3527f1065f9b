using Microsoft.AspNetCore.Http;

namespace Vigil.Http;

/// <summary>
/// What every request to a Vigil endpoint passes first, in this order: the bearer token when one is set
/// (<c>Authorization: Bearer</c>, or <c>?access_token=</c> for the browser's EventSource, which cannot set headers),
/// else 401; a known path, else 404; GET or HEAD, else 405 (the endpoints are read-only).
/// </summary>
internal static class RequestGate
{
    /// <summary>True when the request may be answered; otherwise the refusal has been written.</summary>
    public static async Task<bool> AdmitAsync(HttpContext context, string? token, Func<string, bool> isKnownPath)
    {
        var request = context.Request;
        var response = context.Response;
        response.Headers.CacheControl = "no-store";
        response.Headers["X-Content-Type-Options"] = "nosniff";
        if (token is not null && !Authorized(request, token))
        {
            response.StatusCode = StatusCodes.Status401Unauthorized;
            response.Headers.WWWAuthenticate = "Bearer realm=\"vigil\"";
            await response.WriteAsync("401 unauthorized: a bearer token is required\n", context.RequestAborted).ConfigureAwait(false);
            return false;
        }
        if (!isKnownPath(request.Path.Value ?? "/"))
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            await response.WriteAsync("404 not found\n", context.RequestAborted).ConfigureAwait(false);
            return false;
        }
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = "GET, HEAD";
            await response.WriteAsync("405 method not allowed: this endpoint is read-only\n", context.RequestAborted).ConfigureAwait(false);
            return false;
        }
        return true;
    }

    private static bool Authorized(HttpRequest request, string token)
    {
        string? header = request.Headers.Authorization;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return BearerToken.Matches(token, header.AsSpan(7).Trim());
        }
        return request.Query.TryGetValue("access_token", out var values) && values.Count == 1 && BearerToken.Matches(token, values[0]);
    }
}
