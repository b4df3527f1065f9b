using System.Globalization;

namespace Vigil.Migration.Links;

/// <summary>A Redis or sentinel address as the operator wrote it (<c>HOST:PORT</c>, <c>[v6]:PORT</c>).</summary>
public sealed record RedisEndpoint(string Host, int Port)
{
    public static bool TryParse(string text, out RedisEndpoint endpoint)
    {
        endpoint = null!;
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1) return false;
        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']')) host = host[1..^1];
        if (host.Length == 0) return false;
        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            || port is < 1 or > 65535) return false;
        endpoint = new RedisEndpoint(host, port);
        return true;
    }

    /// <summary>The port as a command argument (<c>REPLICAOF host port</c>).</summary>
    public string PortText => Port.ToString(CultureInfo.InvariantCulture);

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
