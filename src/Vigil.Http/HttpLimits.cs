namespace Vigil.Http;

/// <summary>The hard limits of <see cref="HttpServer"/>.</summary>
internal sealed record HttpLimits
{
    public int MaxConnections { get; init; } = 128;

    /// <summary>Request line and headers together; a longer head gets 431.</summary>
    public int MaxHeadBytes { get; init; } = 16 * 1024;

    /// <summary>How long an open connection may wait for the first byte of its next request.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>How long a request head may take from its first byte to its end.</summary>
    public TimeSpan HeadTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long any one write may wait for a client that does not read.</summary>
    public TimeSpan WriteTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
