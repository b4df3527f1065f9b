using Microsoft.Win32.SafeHandles;

namespace Vigil.Server.State;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old or the new content, never a
/// mix: write a temp file beside it, fsync it, rename it over the target, fsync the directory.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Replaces <paramref name="path"/> with <paramref name="content"/>. <paramref name="mode"/>, when given, is the
    /// new file's permission before the umask (else the platform default).
    /// </summary>
    public static void Write(string path, ReadOnlySpan<byte> content, UnixFileMode? mode = null)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? ".";
        var tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.tmp");
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
            if (mode is { } createMode && !OperatingSystem.IsWindows()) options.UnixCreateMode = createMode;
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
