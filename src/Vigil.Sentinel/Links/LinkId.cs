namespace Vigil.Sentinel;

/// <summary>One connection the core asked for. Allocated by the core, never reused within a core's lifetime.</summary>
public readonly record struct LinkId(int Value);
