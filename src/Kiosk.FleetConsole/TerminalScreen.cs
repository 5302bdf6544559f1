using System.Globalization;
using System.Text;

namespace Kiosk.FleetConsole;

/// <summary>
/// A full-screen view that redraws without flicker: the alternate screen buffer, the cursor hidden, each frame written
/// in one go as cursor-home and every line overwritten and erased to its end (no clear), the rest of the screen
/// erased below. Disposing restores the cursor and the normal screen. Works in any VT100 terminal, over SSH too.
/// </summary>
public sealed class TerminalScreen : IDisposable
{
    private const string Escape = "\u001b[";
    private readonly TextWriter _output;
    private bool _disposed;

    /// <summary>Switches to the alternate screen and hides the cursor.</summary>
    public TerminalScreen(TextWriter output)
    {
        _output = output;
        _output.Write($"{Escape}?1049h{Escape}?25l{Escape}H{Escape}2J");
        _output.Flush();
    }

    /// <summary>The terminal's size (columns, rows); 120 × 40 when it cannot be read (not a terminal).</summary>
    public static (int Width, int Height) Size()
    {
        try
        {
            if (!Console.IsOutputRedirected && Console.WindowWidth > 0 && Console.WindowHeight > 0)
            {
                return (Console.WindowWidth, Console.WindowHeight);
            }
        }
        catch (IOException)
        {
            // No terminal.
        }

        return (Env("COLUMNS") ?? 120, Env("LINES") ?? 40);
    }

    /// <summary>Draws one frame: home, each line overwritten and erased to its end, the rest erased.</summary>
    public void Draw(IReadOnlyList<string> lines)
    {
        var frame = new StringBuilder(lines.Sum(l => l.Length + 8) + 16);
        frame.Append(Escape).Append('H');
        for (var i = 0; i < lines.Count; i++)
        {
            frame.Append(lines[i]).Append(Escape).Append('K');
            if (i < lines.Count - 1)
            {
                frame.Append("\r\n");
            }
        }

        frame.Append(Escape).Append('J');
        _output.Write(frame.ToString());
        _output.Flush();
    }

    /// <summary>Shows the cursor again and returns to the normal screen.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _output.Write($"{Escape}?25h{Escape}?1049l");
        _output.Flush();
    }

    private static int? Env(string name) => int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value > 0 ? value : null;
}
