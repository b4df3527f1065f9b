using System.Diagnostics;

namespace Vigil.Demo;

/// <summary>
/// Every process the demo starts. Their output goes to a log file each; disposing kills them all
/// (SIGKILL, by PID), which the demo does on success, on error and on Ctrl-C alike.
/// </summary>
internal sealed class ChildProcesses : IDisposable
{
    private readonly List<Process> _started = [];
    private readonly List<StreamWriter> _outputs = [];

    public Process Start(string fileName, IEnumerable<string> args, string workingDirectory, string outputPath)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = new StreamWriter(outputPath, append: true) { AutoFlush = true };
        lock (_started)
        {
            _started.Add(process);
            _outputs.Add(output);
        }
        DataReceivedEventHandler copy = (_, e) =>
        {
            if (e.Data is null) return;
            try
            {
                lock (output) output.WriteLine(e.Data);
            }
            catch (ObjectDisposedException)
            {
                // Output that arrives after clean-up is dropped.
            }
        };
        process.OutputDataReceived += copy;
        process.ErrorDataReceived += copy;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills one process now (the <c>kill -9</c> fault) and waits until it is gone.</summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: false);
            process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose()
    {
        Process[] all;
        StreamWriter[] outputs;
        lock (_started)
        {
            all = [.. _started];
            outputs = [.. _outputs];
        }
        foreach (var process in all)
        {
            Kill(process);
            process.Dispose();
        }
        foreach (var output in outputs)
        {
            lock (output) output.Dispose();
        }
    }
}
