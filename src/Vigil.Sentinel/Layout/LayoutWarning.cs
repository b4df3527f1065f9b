namespace Vigil.Sentinel.Layout;

/// <summary>One layout that invites split brain or blocks failover, with the concrete fix. <see cref="Kind"/> is stable.</summary>
public sealed record LayoutWarning(string MasterName, string Kind, string Text);
