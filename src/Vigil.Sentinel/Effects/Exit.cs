namespace Vigil.Sentinel;

/// <summary>Terminate the process with <paramref name="Code"/> (e.g. 99 for a simulated crash).</summary>
public sealed record Exit(int Code, string Reason) : Effect;
