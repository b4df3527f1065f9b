using System.Globalization;
using System.Text;
using Vigil.Sentinel.Config;
using Vigil.Sentinel.Monitoring;

namespace Vigil.Sentinel.Events;

/// <summary>
/// Sentinel events: published on the channel named after their type (unless debug) and logged as
/// <c>&lt;type&gt; &lt;text&gt;</c> when the loglevel allows.
/// </summary>
internal sealed class EventEmitter(CoreSettings settings, EffectQueue effects)
{
    /// <summary>An event whose text starts with the instance prefix <c>%@</c> of <paramref name="record"/>.</summary>
    public void About(LogLevel level, string type, InstanceRecord record, string suffix = "") =>
        Raw(level, type, record, Prefix(record) + suffix);

    /// <summary>An event with free text; <paramref name="record"/> (if any) only says which master it concerns.</summary>
    public void Raw(LogLevel level, string type, InstanceRecord? record, string text)
    {
        text = Truncate(text);
        effects.Log(level, $"{type} {text}");
        if (level != LogLevel.Debug) effects.Emit(new PublishEvent(type, text));
        // A WARNING event about a record queues its master's notification-script with (type, text) (compatibility-rules §12).
        if (level == LogLevel.Warning && record?.OwningMaster.Settings.NotificationScript is { } script) Scripts?.Schedule(script, type, text);
    }

    /// <summary>Where notification scripts are queued (set once the queue exists; it emits events through us).</summary>
    public Scripts.ScriptQueue? Scripts { get; set; }

    /// <summary><c>&lt;kind&gt; &lt;name&gt; &lt;ip&gt; &lt;port&gt;</c>, plus <c> @ &lt;master&gt; &lt;ip&gt; &lt;port&gt;</c> for non-masters.</summary>
    public string Prefix(InstanceRecord record)
    {
        bool hostnames = settings.AnnounceHostnames;
        var sb = new StringBuilder();
        sb.Append(KindWord(record.Kind)).Append(' ').Append(record.Name).Append(' ')
          .Append(record.Address.Announced(hostnames)).Append(' ')
          .Append(record.Address.Port.ToString(CultureInfo.InvariantCulture));
        if (record is not MasterRecord)
        {
            var master = record.OwningMaster;
            sb.Append(" @ ").Append(master.Name).Append(' ')
              .Append(master.Address.Announced(hostnames)).Append(' ')
              .Append(master.Address.Port.ToString(CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    public static string KindWord(InstanceKind kind) => kind switch
    {
        InstanceKind.Master => "master",
        InstanceKind.Slave => "slave",
        _ => "sentinel",
    };

    private static string Truncate(string text)
    {
        if (Encoding.UTF8.GetByteCount(text) <= Limits.MaxEventTextBytes) return text;
        var bytes = Encoding.UTF8.GetBytes(text);
        int cut = Limits.MaxEventTextBytes;
        while (cut > 0 && (bytes[cut] & 0xC0) == 0x80) cut--; // do not split a UTF-8 sequence
        return Encoding.UTF8.GetString(bytes, 0, cut);
    }
}
