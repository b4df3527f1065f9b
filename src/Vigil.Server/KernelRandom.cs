using System.Security.Cryptography;

namespace Vigil.Server;

/// <summary>
/// Random bytes from the kernel's <c>/dev/urandom</c>, where the reference takes its run ids from. .NET's
/// <see cref="RandomNumberGenerator"/> goes through OpenSSL on Linux, and loading it maps libcrypto and libssl: about
/// 3.6 MB of resident memory in a sentinel that has no TLS configured and needs 24 random bytes at start
/// (bench/README.md, scenario 4f).
/// </summary>
public static class KernelRandom
{
    private const string Device = "/dev/urandom";

    public static byte[] Bytes(int count)
    {
        var bytes = new byte[count];
        try
        {
            using var device = new FileStream(Device, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
            device.ReadExactly(bytes);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            RandomNumberGenerator.Fill(bytes); // no such device here: the platform's generator
        }
        return bytes;
    }

    /// <summary>A non-negative <see cref="int"/> below <see cref="int.MaxValue"/>.</summary>
    public static int NonNegativeInt32() => (int)(BitConverter.ToUInt32(Bytes(sizeof(uint))) % int.MaxValue);
}
