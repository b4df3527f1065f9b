using System.Globalization;

namespace Vigil.Migration.Links;

/// <summary>The <c>name:value</c> lines of an INFO reply.</summary>
public sealed class InfoFields
{
    private readonly Dictionary<string, string> _fields = new(StringComparer.Ordinal);

    public static InfoFields Parse(string? text)
    {
        var info = new InfoFields();
        foreach (var raw in (text ?? "").Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#') continue;
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0) info._fields[line[..colon]] = line[(colon + 1)..];
        }
        return info;
    }

    public string? this[string name] => _fields.GetValueOrDefault(name);

    public long? Long(string name) =>
        long.TryParse(this[name], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : null;

    public IEnumerable<KeyValuePair<string, string>> All => _fields;

    /// <summary>A <c>k=v,k=v</c> value (<c>db0:keys=1,expires=0</c>, <c>slave0:ip=...,port=...</c>).</summary>
    public static Dictionary<string, string> SubFields(string? value)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (value ?? "").Split(','))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) fields[part[..eq]] = part[(eq + 1)..];
        }
        return fields;
    }

    /// <summary>Keys per database from the keyspace section (<c>db3:keys=10,...</c> → 3 → 10).</summary>
    public SortedDictionary<int, long> KeysPerDb()
    {
        var keys = new SortedDictionary<int, long>();
        foreach (var (name, value) in _fields)
        {
            if (!name.StartsWith("db", StringComparison.Ordinal)
                || !int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var db)) continue;
            if (long.TryParse(SubFields(value).GetValueOrDefault("keys"), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                && count > 0) keys[db] = count;
        }
        return keys;
    }
}
