namespace Vigil.Integration.Upstream;

/// <summary>The suite starts 10 processes on fixed port ranges and needs the CPU: never alongside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class UpstreamSuiteCollection
{
    public const string Name = "Upstream sentinel suite";
}
