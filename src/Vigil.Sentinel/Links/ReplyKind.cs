namespace Vigil.Sentinel.Links;

/// <summary>What a command reply is for; decides which handler reads it.</summary>
internal enum ReplyKind
{
    Discard,
    Ping,
    Info,
    Publish,
    IsMasterDown,
}
