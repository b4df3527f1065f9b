using System.Security.Cryptography;
using System.Text;

namespace Vigil.Http;

/// <summary>The endpoint's bearer token: the first line of <c>vigil-http-token-file</c>, compared in constant time.</summary>
internal static class BearerToken
{
    public static string Read(string path, Action<string> warn)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"can't read vigil-http-token-file '{path}': {ex.Message}", ex);
        }
        string token = text.Split('\n', 2)[0].Trim();
        if (token.Length == 0) throw new InvalidOperationException($"vigil-http-token-file '{path}' is empty");
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead)) != 0)
        {
            warn($"vigil-http-token-file '{path}' can be read by other users; chmod 600 it");
        }
        return token;
    }

    public static bool Matches(string expected, ReadOnlySpan<char> presented)
    {
        // Hashed first so that the comparison does not end early on a length difference either.
        var expectedHash = SHA256.HashData(Encoding.UTF8.GetBytes(expected));
        var presentedHash = SHA256.HashData(Encoding.UTF8.GetBytes(presented.ToArray()));
        return CryptographicOperations.FixedTimeEquals(expectedHash, presentedHash);
    }
}
