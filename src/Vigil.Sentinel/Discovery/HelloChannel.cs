namespace Vigil.Sentinel.Discovery;

/// <summary>The pub/sub channel sentinels announce themselves on, in Redis and to each other.</summary>
public static class HelloChannel
{
    public const string Name = "__sentinel__:hello";
}
