namespace Vigil.Http;

/// <summary>
/// What every request to a Vigil endpoint passes first, in this order: the bearer token when one is set
/// (<c>Authorization: Bearer</c>, or <c>?access_token=</c> for the browser's EventSource, which cannot set headers),
/// else 401; a known path, else 404; GET or HEAD, else 405 (the endpoints are read-only).
/// </summary>
internal static class RequestGate
{
    public const string TextType = "text/plain; charset=utf-8";

    /// <summary>True when the request may be answered; otherwise the refusal has been written.</summary>
    public static async Task<bool> AdmitAsync(HttpExchange exchange, string? token, Func<string, bool> isKnownPath)
    {
        var request = exchange.Request;
        if (token is not null && !Authorized(request, token))
        {
            await exchange.RespondAsync(401, TextType, "401 unauthorized: a bearer token is required\n", "WWW-Authenticate: Bearer realm=\"vigil\"").ConfigureAwait(false);
            return false;
        }
        if (!isKnownPath(request.Path))
        {
            await exchange.RespondAsync(404, TextType, "404 not found\n").ConfigureAwait(false);
            return false;
        }
        if (!exchange.IsGet && !exchange.IsHead)
        {
            await exchange.RespondAsync(405, TextType, "405 method not allowed: this endpoint is read-only\n", "Allow: GET, HEAD").ConfigureAwait(false);
            return false;
        }
        return true;
    }

    private static bool Authorized(HttpRequestHead request, string token)
    {
        if (request.Authorization is { } header && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return BearerToken.Matches(token, header.AsSpan(7).Trim());
        }
        return request.QueryValue("access_token") is { } value && BearerToken.Matches(token, value);
    }
}
