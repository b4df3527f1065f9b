using System.Globalization;

namespace Vigil.Simulation.Invariants;

/// <summary>Reads the instance prefix of event texts (compatibility-rules §9.1): <c>&lt;kind&gt; &lt;name&gt; &lt;ip&gt; &lt;port&gt; [@ &lt;master&gt; &lt;ip&gt; &lt;port&gt;]</c>.</summary>
internal readonly record struct EventText(string Kind, string Name, string Ip, int Port, string? MasterName)
{
    /// <summary>The master the event concerns: the record itself for a master, the name after '@' otherwise.</summary>
    public string Master => MasterName ?? Name;

    public static EventText? Parse(string text)
    {
        var words = text.Split(' ');
        if (words.Length < 4) return null;
        if (!int.TryParse(words[3], NumberStyles.None, CultureInfo.InvariantCulture, out int port)) return null;
        string? master = null;
        if (words.Length >= 6 && words[4] == "@") master = words[5];
        return new EventText(words[0], words[1], words[2], port, master);
    }
}
