namespace Vigil.Sentinel;

/// <summary>Write one command (RESP2 multibulk) on a connected link. Renames are already applied.</summary>
public sealed record SendCommand(LinkId Link, IReadOnlyList<string> Args) : Effect
{
    public bool Equals(SendCommand? other) => other is not null && Link == other.Link && Args.SequenceEqual(other.Args);
    public override int GetHashCode() => HashCode.Combine(Link, Args.Count);
    public override string ToString() => $"SendCommand {{ Link = {Link.Value}, Args = [{string.Join(' ', Args)}] }}";
}
