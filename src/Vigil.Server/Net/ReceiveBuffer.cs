using System.Buffers;

namespace Vigil.Server.Net;

/// <summary>
/// The bytes received on a connection and not yet consumed, in one pooled array read straight from the
/// socket. Unconsumed bytes move to the front before the next receive, and the array doubles when they fill
/// it: the request reader leaves at most an unfinished line or an argument under its big-argument size
/// unconsumed (it copies larger ones out as they arrive), so it stays a few tens of kilobytes.
/// The array is rented at the first receive and can be given back whenever everything was consumed
/// (<see cref="ReleaseIfEmpty"/>), so an idle connection need hold none.
/// </summary>
public sealed class ReceiveBuffer(int initialBytes) : IDisposable
{
    private byte[] _bytes = [];
    private int _start;
    private int _end;

    /// <summary>Whether every received byte was consumed.</summary>
    public bool IsEmpty => _start == _end;

    /// <summary>What was received and not consumed yet.</summary>
    public ReadOnlySequence<byte> Unconsumed => new(_bytes, _start, _end - _start);

    /// <summary>Room for the next receive (compacted or grown first when needed).</summary>
    public Memory<byte> Free
    {
        get
        {
            if (_bytes.Length == 0) _bytes = ArrayPool<byte>.Shared.Rent(initialBytes);
            var length = _end - _start;
            if (_start > 0)
            {
                _bytes.AsSpan(_start, length).CopyTo(_bytes);
                _start = 0;
                _end = length;
            }
            if (_end == _bytes.Length)
            {
                var grown = ArrayPool<byte>.Shared.Rent(2 * _bytes.Length);
                _bytes.AsSpan(0, length).CopyTo(grown);
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = grown;
            }
            return _bytes.AsMemory(_end);
        }
    }

    public void Received(int count) => _end += count;

    /// <summary>Drops the first <paramref name="count"/> unconsumed bytes.</summary>
    public void Consume(long count)
    {
        _start += (int)count;
        if (_start == _end) _start = _end = 0;
    }

    /// <summary>Gives the array back to the pool when nothing is left unconsumed; the next receive rents again.</summary>
    public void ReleaseIfEmpty()
    {
        if (_start == _end) Dispose();
    }

    public void Dispose()
    {
        if (_bytes.Length != 0) ArrayPool<byte>.Shared.Return(_bytes);
        _bytes = [];
        _start = _end = 0;
    }
}
