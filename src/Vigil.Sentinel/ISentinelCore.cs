using System.Diagnostics.CodeAnalysis;

namespace Vigil.Sentinel;

/// <summary>The core as a host drives it: one input in, then every effect out (what <c>CoreDriver</c> needs).</summary>
public interface ISentinelCore
{
    void Handle(Input input);

    bool TryDequeueEffect([NotNullWhen(true)] out Effect? effect);
}
