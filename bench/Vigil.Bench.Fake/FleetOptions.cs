namespace Vigil.Bench.Fake;

/// <summary>What the fleet listens on: masters and replicas on consecutive ports, a control port apart.</summary>
public sealed record FleetOptions(int BasePort, int Masters, int Replicas, int ControlPort)
{
    public int InstanceCount => Masters * (1 + Replicas);

    public int MasterPort(int master) => BasePort + master * (1 + Replicas);

    public static FleetOptions? Parse(string[] args)
    {
        int basePort = 0, masters = 0, replicas = 1, control = 0;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            if (!int.TryParse(args[i + 1], out var value)) return null;
            switch (args[i])
            {
                case "--base-port": basePort = value; break;
                case "--masters": masters = value; break;
                case "--replicas": replicas = value; break;
                case "--control-port": control = value; break;
                default: return null;
            }
        }
        if (basePort <= 0 || masters <= 0 || replicas < 0) return null;
        return new FleetOptions(basePort, masters, replicas, control);
    }
}
