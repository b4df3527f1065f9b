using System.Buffers;
using System.Text;

namespace Vigil.Replication.Rdb;

/// <summary>
/// Buffered, blocking reads from a stream, with a running count of bytes consumed. While
/// <see cref="TrackCrc"/> is on, every consumed byte goes into <see cref="Crc"/> (the RDB checksum); while a
/// capture is set, consumed bytes are also appended to it (the raw bytes of one value). Memory is the
/// buffer plus whatever the caller captures: a snapshot is never held whole.
/// </summary>
public sealed class ByteInput(Stream source, int bufferSize = 64 * 1024)
{
    private readonly byte[] _buffer = new byte[bufferSize];
    private int _start;
    private int _end;

    /// <summary>Bytes consumed since this input was made.</summary>
    public long Position { get; private set; }

    public bool TrackCrc { get; set; }
    public ulong Crc { get; set; }

    /// <summary>Where consumed bytes are copied, or null.</summary>
    public ArrayBufferWriter<byte>? Capture { get; set; }

    /// <summary>Called before a read that may block because nothing is buffered: the moment to flush what depends on this input.</summary>
    public Action? BeforeWait { get; set; }

    /// <summary>Bytes already received and not yet consumed.</summary>
    public int Buffered => _end - _start;

    public byte ReadByte()
    {
        if (_start == _end) Fill();
        var b = _buffer[_start++];
        // The one-byte case without spans: a snapshot's keys are mostly opcodes, lengths and type bytes.
        Position++;
        if (TrackCrc) Crc = Crc64.UpdateByte(Crc, b);
        if (Capture is { } capture)
        {
            capture.GetSpan(1)[0] = b;
            capture.Advance(1);
        }
        return b;
    }

    public void ReadExactly(Span<byte> destination)
    {
        while (destination.Length > 0)
        {
            if (_start == _end) Fill();
            var n = Math.Min(destination.Length, _end - _start);
            var chunk = _buffer.AsSpan(_start, n);
            chunk.CopyTo(destination);
            Consumed(chunk);
            _start += n;
            destination = destination[n..];
        }
    }

    /// <summary>Consumes <paramref name="count"/> bytes that are only checksummed and captured.</summary>
    public void Skip(long count)
    {
        while (count > 0)
        {
            if (_start == _end) Fill();
            var n = (int)Math.Min(count, _end - _start);
            Consumed(_buffer.AsSpan(_start, n));
            _start += n;
            count -= n;
        }
    }

    /// <summary>A protocol line without its CRLF (a lone LF also ends it); longer than <paramref name="max"/> is an error.</summary>
    public string ReadLine(int max = 64 * 1024)
    {
        var line = new ArrayBufferWriter<byte>();
        while (true)
        {
            var b = ReadByte();
            if (b == '\n') break;
            line.GetSpan(1)[0] = b;
            line.Advance(1);
            if (line.WrittenCount > max) throw new InvalidDataException($"protocol line longer than {max} bytes");
        }
        var span = line.WrittenSpan;
        if (span.Length > 0 && span[^1] == '\r') span = span[..^1];
        return Encoding.UTF8.GetString(span);
    }

    private void Consumed(ReadOnlySpan<byte> bytes)
    {
        Position += bytes.Length;
        if (TrackCrc) Crc = Crc64.Update(Crc, bytes);
        if (Capture is { } capture) capture.Write(bytes);
    }

    private void Fill()
    {
        BeforeWait?.Invoke();
        var n = source.Read(_buffer, 0, _buffer.Length);
        if (n == 0) throw new EndOfStreamException("the connection closed");
        _start = 0;
        _end = n;
    }
}
