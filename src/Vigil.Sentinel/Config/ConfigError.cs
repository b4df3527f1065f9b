using System.Text;

namespace Vigil.Sentinel.Config;

/// <summary>
/// Why a configuration was refused, and where. <see cref="LineNumber"/> counts from 1 in
/// <see cref="SourcePath"/>; command-line overrides are numbered after the file's lines, as the
/// reference numbers them. A line number of 0 means the error belongs to no line.
/// </summary>
public sealed record ConfigError(string SourcePath, int LineNumber, string LineText, string Message)
{
    /// <summary>
    /// The reference's fatal banner with the file name added, starting with an empty line like the
    /// reference's output and ending with a newline:
    /// <code>
    ///
    /// *** FATAL CONFIG FILE ERROR (Vigil) ***
    /// Reading the configuration file /etc/redis/sentinel.conf, at line 2
    /// >>> 'sentinel monitor m 127.0.0.1 48001 0'
    /// Quorum must be 1 or greater.
    /// </code>
    /// </summary>
    public string Format()
    {
        var sb = new StringBuilder();
        sb.Append("\n*** FATAL CONFIG FILE ERROR (Vigil) ***\n");
        if (LineNumber > 0)
        {
            sb.Append("Reading the configuration file ").Append(SourcePath)
              .Append(", at line ").Append(LineNumber).Append('\n');
            sb.Append(">>> '").Append(LineText).Append("'\n");
        }
        sb.Append(Message).Append('\n');
        return sb.ToString();
    }
}
