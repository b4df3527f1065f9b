using System.Runtime.InteropServices;
using Vigil.Bench.Fake;

// vigil-fake-fleet --base-port P --masters N [--replicas R] [--control-port C]
// Instance ports: master i at P + i*(1+R), its replicas right after it. Prints "ready" when every port listens.
var options = FleetOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine("usage: vigil-fake-fleet --base-port P --masters N [--replicas R] [--control-port C]");
    return 2;
}
using var stopping = new CancellationTokenSource();
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => { context.Cancel = true; stopping.Cancel(); });
using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => { context.Cancel = true; stopping.Cancel(); });
var fleet = new FakeFleet(options);
try
{
    fleet.Bind();
}
catch (System.Net.Sockets.SocketException ex)
{
    Console.Error.WriteLine($"cannot listen: {ex.Message}");
    return 1;
}
Console.WriteLine($"ready masters={options.Masters} replicas-per-master={options.Replicas} ports={options.BasePort}-{options.BasePort + options.InstanceCount - 1} control={options.ControlPort}");
await fleet.RunAsync(stopping.Token);
return 0;
