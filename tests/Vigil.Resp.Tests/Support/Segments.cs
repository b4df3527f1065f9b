using System.Buffers;

namespace Vigil.Resp.Tests.Support;

/// <summary>Builds multi-segment sequences the way a socket delivers bytes: in arbitrary pieces.</summary>
internal static class Segments
{
    /// <summary>One segment per piece (empty pieces make empty segments). The pieces are not copied.</summary>
    public static ReadOnlySequence<byte> Of(IReadOnlyList<byte[]> pieces)
    {
        if (pieces.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }
        var first = new Segment(pieces[0], 0);
        var last = first;
        for (var i = 1; i < pieces.Count; i++)
        {
            last = last.Append(pieces[i]);
        }
        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    public static ReadOnlySequence<byte> Of(params byte[][] pieces) => Of((IReadOnlyList<byte[]>)pieces);

    public static ReadOnlySequence<byte> ByteAtATime(byte[] data) => Of(data.Select(b => new[] { b }).ToArray());

    /// <summary>Both halves of every cut, including the empty halves at either end.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> EveryTwoWaySplit(byte[] data)
    {
        for (var cut = 0; cut <= data.Length; cut++)
        {
            yield return Of(data[..cut], data[cut..]);
        }
    }

    /// <summary>Cuts at random places, sometimes leaving empty segments.</summary>
    public static ReadOnlySequence<byte> RandomSplit(byte[] data, Random random)
    {
        var pieces = new List<byte[]>();
        var position = 0;
        while (position < data.Length)
        {
            var length = random.Next(5) == 0 ? 0 : random.Next(1, Math.Max(2, data.Length / 3 + 1));
            length = Math.Min(length, data.Length - position);
            pieces.Add(data[position..(position + length)]);
            position += length;
        }
        return Of(pieces);
    }

    /// <summary>Every way of presenting the bytes that the tests use: whole, one byte at a time, every two-way cut, random cuts.</summary>
    public static IEnumerable<ReadOnlySequence<byte>> AllShapes(byte[] data, int seed, int randomShapes = 20)
    {
        yield return new ReadOnlySequence<byte>(data);
        yield return ByteAtATime(data);
        foreach (var split in EveryTwoWaySplit(data))
        {
            yield return split;
        }
        var random = new Random(seed);
        for (var i = 0; i < randomShapes; i++)
        {
            yield return RandomSplit(data, random);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(byte[] bytes, long runningIndex)
        {
            Memory = bytes;
            RunningIndex = runningIndex;
        }

        public Segment Append(byte[] bytes)
        {
            var next = new Segment(bytes, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
