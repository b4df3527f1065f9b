using System.Buffers;
using System.Text;

namespace Vigil.Resp.Tests.Support;

/// <summary>Drives a <see cref="RequestReader"/> the way the host does: bytes arrive in chunks, unconsumed bytes stay buffered.</summary>
internal sealed class RequestFeed(RequestReader reader)
{
    private readonly List<byte[]> buffered = [];

    public List<(string[] Args, bool Inline)> Commands { get; } = [];

    public RespReadResult Last { get; private set; } = RespReadResult.NeedMoreData;

    public string? Error { get; private set; }

    public long BufferedBytes => buffered.Sum(b => (long)b.Length);

    public static RequestFeed Run(byte[] bytes, IEnumerable<int> chunkSizes, RequestLimits? limits = null)
    {
        var feed = new RequestFeed(new RequestReader(limits ?? RequestLimits.Default));
        var position = 0;
        foreach (var size in chunkSizes)
        {
            if (position >= bytes.Length || feed.Last == RespReadResult.ProtocolError)
            {
                break;
            }
            var take = Math.Min(size, bytes.Length - position);
            feed.Push(bytes[position..(position + take)]);
            position += take;
        }
        if (position < bytes.Length && feed.Last != RespReadResult.ProtocolError)
        {
            feed.Push(bytes[position..]);
        }
        return feed;
    }

    public static RequestFeed Whole(byte[] bytes, RequestLimits? limits = null) => Run(bytes, [bytes.Length], limits);

    public void Push(byte[] chunk)
    {
        buffered.Add(chunk);
        if (buffered.Count > 8)
        {
            // Keep the sequence multi-segment, but short: merge the older pieces, as a pipe reuses its buffers.
            var merged = buffered.Take(buffered.Count - 2).SelectMany(b => b).ToArray();
            buffered.RemoveRange(0, buffered.Count - 2);
            buffered.Insert(0, merged);
        }
        var sequence = Segments.Of(buffered);
        var sequenceReader = new SequenceReader<byte>(sequence);
        while (true)
        {
            Last = reader.TryRead(ref sequenceReader, out var command, out var error);
            if (Last != RespReadResult.Complete)
            {
                Error = error;
                break;
            }
            Assert.NotEmpty(command.Args);
            Commands.Add((command.Args.Select(a => Encoding.Latin1.GetString(a)).ToArray(), command.IsInline));
        }
        Drop(sequenceReader.Consumed);
    }

    private void Drop(long consumed)
    {
        while (consumed > 0)
        {
            if (buffered[0].Length <= consumed)
            {
                consumed -= buffered[0].Length;
                buffered.RemoveAt(0);
            }
            else
            {
                buffered[0] = buffered[0][(int)consumed..];
                consumed = 0;
            }
        }
    }
}
