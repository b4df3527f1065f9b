using System.Text;
using Vigil.Replication.Rdb;

namespace Vigil.Replication.Tests;

public sealed class LzfTests
{
    [Fact]
    public void LiteralsAndOverlappingBackReference()
    {
        // "abc" as a literal run (control 2 = 3 bytes), then a back-reference of 9 bytes at distance 3
        // (control: length 9-2=7 -> 7 in the top bits plus an extra byte 0; offset 3-1=2).
        byte[] compressed = [2, (byte)'a', (byte)'b', (byte)'c', 0xe0, 0, 2];
        var output = new byte[12];
        Assert.True(Lzf.TryDecompress(compressed, output));
        Assert.Equal("abcabcabcabc", Encoding.ASCII.GetString(output));
    }

    [Fact]
    public void CorruptInputIsRefused()
    {
        Assert.False(Lzf.TryDecompress([2, (byte)'a', (byte)'b', (byte)'c', 0xe0, 0, 9], new byte[12]), "a reference before the start");
        Assert.False(Lzf.TryDecompress([5, (byte)'a'], new byte[6]), "a literal run past the end of the input");
        Assert.False(Lzf.TryDecompress([0, (byte)'a'], new byte[2]), "fewer bytes than announced");
    }
}
