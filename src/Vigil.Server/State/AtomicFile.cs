using Microsoft.Win32.SafeHandles;

namespace Vigil.Server.State;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old or the new content, never a
/// mix: write a temp file beside it, fsync it, rename it over the target, fsync the directory.
/// </summary>
public static class AtomicFile
{
    /// <summary>Owner read and write only: what a file holding passwords gets (0600).</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/>. The temp file is created with
    /// <paramref name="mode"/> (before the umask), so the content is never readable by more than that, not even
    /// for the moment before the rename; the rename carries the mode over to <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode mode = OwnerOnly)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        var tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.tmp");
        // A temp file left by a crash (in a container the pid is often the same every run) would keep its old mode:
        // only a file this call creates is sure to have the one asked for.
        TryDelete(tempPath);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = mode;
            using (var stream = new FileStream(tempPath, options))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>Checks that a file can be created in the directory (the state location must be writable).</summary>
    public static string? ProbeWritable(string directory)
    {
        var probe = Path.Combine(directory, $".vigil-write-probe.{Environment.ProcessId}");
        try
        {
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ex.Message;
        }
    }

    private static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(directory, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, FileOptions.None);
            RandomAccess.FlushToDisk(handle);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Some file systems refuse to open or sync a directory; the rename itself is still atomic.
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
