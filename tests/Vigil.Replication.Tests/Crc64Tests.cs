using System.Text;
using Vigil.Replication.Rdb;

namespace Vigil.Replication.Tests;

public sealed class Crc64Tests
{
    [Fact]
    public void CheckValueOfTheJonesPolynomial() =>
        Assert.Equal(0xe9c6d914c4b8d9caUL, Crc64.Update(0, "123456789"u8));

    [Fact]
    public void ChunkedEqualsWhole()
    {
        var data = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Range(0, 500).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))));
        var whole = Crc64.Update(0, data);
        var crc = 0UL;
        foreach (var chunk in data.Chunk(13)) crc = Crc64.Update(crc, chunk);
        Assert.Equal(whole, crc);
        data[700] ^= 1;
        Assert.NotEqual(whole, Crc64.Update(0, data));
    }
}
