using System.Globalization;
using Vigil.Simulation.World;

namespace Vigil.Simulation.Running;

/// <summary>Command line of the console mode.</summary>
internal sealed record CampaignOptions
{
    public int FirstSeed { get; init; } = 1;
    public int SeedCount { get; init; } = 1000;

    /// <summary>Replay this one seed, printing its whole trace.</summary>
    public int? ReplaySeed { get; init; }
    public SimulationProfile Profile { get; init; } = SimulationProfile.Ci;
    public string? Broken { get; init; }
    public bool ForgedHellos { get; init; }
    public int Threads { get; init; } = Environment.ProcessorCount;
    public int TailLines { get; init; } = 200;

    /// <summary>A fleet of this many masters (see <see cref="ScaleScenario"/>) instead of the generated groups.</summary>
    public int? Masters { get; init; }

    /// <summary>Simulated minutes of faults in a fleet run.</summary>
    public int Minutes { get; init; } = 60;

    /// <summary>Faults a simulated minute in a fleet run; 0 gives the steady state alone.</summary>
    public int FaultsPerMinute { get; init; } = ScaleScenario.DefaultFaultsPerMinute;

    /// <summary>Stop the campaign after this many failing seeds.</summary>
    public int MaxFailures { get; init; } = 10;
    public bool Quiet { get; init; }
    public bool Help { get; init; }
    public string? Error { get; init; }

    public const string Usage = """
        Vigil simulation: real sentinel cores in a simulated world of Redis nodes, networks, clocks and faults.

          --seeds N          run N seeds (default 1000) from --start (default 1), in parallel
          --start S          first seed of the campaign
          --seed N           replay one seed, printing its whole trace
          --profile ci|long  short runs with fast timings (default), or long chaos with reference timings
          --broken MODE      wrap sentinel 0 in a deliberately broken double (equivocate, hide-tilt, deaf)
          --forged-hellos    forged hellos and vote requests in every seed (default: about one seed in five)
          --threads K        worker threads (default: processor count)
          --max-failures K   stop after K failing seeds (default 10)
          --tail N           trace lines printed for a failing seed (default 200)
          --quiet            replay: print only the tail, not the live trace
          --masters N        a fleet: 3 sentinels watching N masters with a replica each (prints the work per input)
          --minutes M        simulated minutes of faults in a fleet run (default 60)
          --faults-per-minute F  faults a minute in a fleet run (default 10; 0: none, the steady state alone)
        """;

    public static CampaignOptions Parse(IReadOnlyList<string> args)
    {
        var options = new CampaignOptions();
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            string? Value() => i + 1 < args.Count ? args[++i] : null;
            int? Number()
            {
                string? text = Value();
                return text is not null && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int n) ? n : null;
            }
            switch (arg)
            {
                case "--seeds": options = Number() is { } count and > 0 ? options with { SeedCount = count } : options with { Error = "--seeds needs a positive number" }; break;
                case "--start": options = Number() is { } start ? options with { FirstSeed = start } : options with { Error = "--start needs a number" }; break;
                case "--seed": options = Number() is { } seed ? options with { ReplaySeed = seed } : options with { Error = "--seed needs a number" }; break;
                case "--threads": options = Number() is { } threads and > 0 ? options with { Threads = threads } : options with { Error = "--threads needs a positive number" }; break;
                case "--tail": options = Number() is { } tail and >= 0 ? options with { TailLines = tail } : options with { Error = "--tail needs a number" }; break;
                case "--max-failures": options = Number() is { } max and > 0 ? options with { MaxFailures = max } : options with { Error = "--max-failures needs a positive number" }; break;
                case "--profile":
                    options = Value() switch
                    {
                        "ci" => options with { Profile = SimulationProfile.Ci },
                        "long" => options with { Profile = SimulationProfile.Long },
                        var other => options with { Error = $"unknown profile '{other}'" },
                    };
                    break;
                case "--broken":
                    string? mode = Value();
                    options = BrokenCores.Known(mode) ? options with { Broken = mode } : options with { Error = $"unknown broken mode '{mode}' (known: {string.Join(", ", BrokenCores.Modes)})" };
                    break;
                case "--masters": options = Number() is { } masters and > 0 ? options with { Masters = masters } : options with { Error = "--masters needs a positive number" }; break;
                case "--minutes": options = Number() is { } minutes and > 0 ? options with { Minutes = minutes } : options with { Error = "--minutes needs a positive number" }; break;
                case "--faults-per-minute": options = Number() is { } faults and >= 0 ? options with { FaultsPerMinute = faults } : options with { Error = "--faults-per-minute needs a number, 0 or more" }; break;
                case "--quiet": options = options with { Quiet = true }; break;
                case "--forged-hellos": options = options with { ForgedHellos = true }; break;
                case "--help" or "-h": options = options with { Help = true }; break;
                default: options = options with { Error = $"unknown argument '{arg}'" }; break;
            }
            if (options.Error is not null) break;
        }
        return options;
    }

    /// <summary>The one command line that replays <paramref name="seed"/> with these options.</summary>
    public string ReplayCommand(int seed)
    {
        string command = $"dotnet run --project tests/Vigil.Simulation -c Release -- --seed {seed}";
        if (Profile != SimulationProfile.Ci) command += " --profile long";
        if (Broken is not null) command += $" --broken {Broken}";
        if (ForgedHellos) command += " --forged-hellos";
        if (Masters is { } masters) command += $" --masters {masters} --minutes {Minutes}";
        if (Masters is not null && FaultsPerMinute != ScaleScenario.DefaultFaultsPerMinute) command += $" --faults-per-minute {FaultsPerMinute}";
        return command;
    }

    public SimWorldOptions WorldOptions(Action<string>? live = null) => new()
    {
        Profile = Profile,
        LiveTrace = live,
        Wrap = BrokenCores.Wrapper(Broken),
        BrokenMode = Broken,
        ForgedHellos = ForgedHellos,
        TraceCapacity = Math.Max(TailLines, 16),
        AdjustScenario = Masters is { } masters ? scenario => ScaleScenario.Of(scenario, masters, Minutes, FaultsPerMinute) : null,
    };
}
