using Vigil.Sentinel.Text;

namespace Vigil.Sentinel.Tests;

public sealed class TextInternerTests
{
    [Fact]
    public void ATextSeenBeforeIsHandedOutAsTheSameString()
    {
        var texts = new TextInterner();
        var first = texts.Get("mymaster".AsSpan());

        Assert.Same(first, texts.Get("mymaster,10.0.0.1".AsSpan(0, 8)));
        Assert.NotSame(first, texts.Get("othermaster".AsSpan()));
    }

    [Fact]
    public void EverNewTextsEmptyTheSetInsteadOfGrowingIt()
    {
        var texts = new TextInterner();
        var kept = texts.Get("kept".AsSpan());
        for (int i = 0; i < TextInterner.MaxEntries; i++) Assert.Equal($"name{i}", texts.Get($"name{i}".AsSpan()));

        var again = texts.Get("kept".AsSpan());
        Assert.Equal("kept", again);
        Assert.NotSame(kept, again);
    }

    [Fact]
    public void ALongTextIsCopiedEachTime()
    {
        var texts = new TextInterner();
        var name = new string('h', TextInterner.MaxInternedChars + 1);

        Assert.NotSame(texts.Get(name.AsSpan()), texts.Get(name.AsSpan()));
        Assert.Equal(name, texts.Get(name.AsSpan()));
    }
}
