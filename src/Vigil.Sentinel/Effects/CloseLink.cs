namespace Vigil.Sentinel;

/// <summary>Close a link. The core has already forgotten it; replies still in flight are ignored.</summary>
public sealed record CloseLink(LinkId Link) : Effect;
