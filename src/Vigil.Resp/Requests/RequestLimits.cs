namespace Vigil.Resp;

/// <summary>
/// What <see cref="RequestReader"/> accepts from one client. The host replaces it when the client
/// authenticates or when <c>proto-max-bulk-len</c> changes. Use <c>new RequestLimits()</c> or
/// <see cref="Default"/>: <c>default(RequestLimits)</c> has a zero bulk limit.
/// </summary>
public readonly record struct RequestLimits
{
    /// <summary>Redis's default <c>proto-max-bulk-len</c>: 512 MB.</summary>
    public const long DefaultMaxBulkBytes = 512L * 1024 * 1024;

    public RequestLimits() { }

    public static RequestLimits Default { get; } = new();

    /// <summary>
    /// True while the client still has to authenticate (Redis's <c>authRequired</c>: a password is set
    /// and the client has not sent a good AUTH). Then a request may have at most 10 arguments of at most
    /// 16384 bytes each.
    /// </summary>
    public bool RequiresAuth { get; init; }

    /// <summary>Longest argument accepted (<c>proto-max-bulk-len</c>).</summary>
    public long MaxBulkBytes { get; init; } = DefaultMaxBulkBytes;
}
