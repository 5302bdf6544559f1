using System.Buffers;
using System.Globalization;
using System.Text;

namespace Kiosk.Service.FleetConsole;

/// <summary>The lines of one <c>fleet watch</c> screen: a header, the status table with the hour's counts, the latest alerts.</summary>
public static class FleetWatchScreen
{
    /// <summary>The table's columns: those of <c>fleet status</c>, then the hour's counts.</summary>
    public static readonly IReadOnlyList<string> Columns = [.. FleetStatusTable.Columns, "PASS/h", "REFER/h", "REFER REASONS/h"];

    /// <summary>Renders at most <paramref name="height"/> lines of at most <paramref name="width"/> characters.</summary>
    public static IReadOnlyList<string> Render(FleetWatchModel model, string source, string? connection, DateTimeOffset now, int width, int height)
    {
        var (rows, alerts) = model.Snapshot(now);
        var lines = new List<string>
        {
            Cut($"kiosk fleet watch  {source}  {FleetStatusTable.Summary(rows.Select(r => r.Row).ToArray())}  {now.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC", width),
            Cut(connection is null ? "connected; counts over the last hour; Ctrl-C quits" : $"connection lost: {connection}; reconnecting (showing the last known state)", width),
            string.Empty,
        };

        var alertLines = Math.Min(alerts.Count, Math.Max(0, (height - lines.Count - 4) / 3));
        var tableRoom = Math.Max(2, height - lines.Count - (alertLines > 0 ? alertLines + 2 : 0));
        var cells = rows.Select(r => FleetStatusTable.Cells(r.Row, now)
            .Concat([r.Pass.ToString(CultureInfo.InvariantCulture), r.Refer.ToString(CultureInfo.InvariantCulture), r.Reasons]).ToArray()).ToList();
        var table = FleetStatusTable.Align(Columns, cells, width, shrink: 3);
        if (table.Count > tableRoom)
        {
            var hidden = table.Count - tableRoom + 1;
            table = [.. table.Take(tableRoom - 1), Cut($"… {hidden} more kiosks (the best ones; make the terminal taller)", width)];
        }

        lines.AddRange(table);
        if (rows.Count == 0)
        {
            lines.Add("(waiting for kiosk statuses)");
        }

        if (alertLines > 0)
        {
            lines.Add(string.Empty);
            lines.Add(Cut("latest alerts", width));
            foreach (var alert in alerts.Take(alertLines))
            {
                lines.Add(Cut($"{alert.At.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}  {alert.Kiosk}  {alert.Kind}  {(alert.Active ? "raised" : "cleared")}  {alert.Detail}", width));
            }
        }

        return lines.Take(height).ToArray();
    }

    private static string Cut(string text, int width) => text.Length > width ? text[..width] : text;
}

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

/// <summary>The <c>fleet watch</c> loop: feeds the model from the broker and redraws on change (at most 4 times a second) and every second.</summary>
public static class FleetWatch
{
    /// <summary>Runs until <paramref name="cancellationToken"/> (Ctrl-C); the screen is restored on the way out.</summary>
    public static async Task RunAsync(FleetConsoleSession session, string? site, TextWriter output, Func<(int Width, int Height)> size, TimeProvider time, CancellationToken cancellationToken)
    {
        var model = new FleetWatchModel(session.Settings.Prefix, site);
        void OnMessage(MQTTnet.MqttApplicationMessage message, DateTimeOffset at) => model.OnMessage(message.Topic, message.Payload.ToArray(), message.Retain, at);
        session.MessageReceived += OnMessage;
        try
        {
            var refused = await session.KeepSubscribedAsync(model.Filters, cancellationToken);
            if (refused.Count > 0)
            {
                throw new Cli.CliInputException($"the broker refused the subscription to {refused[0]} (not authorized: check the broker ACL)");
            }

            var source = $"{session.Settings.Prefix}/{site ?? "+"}  broker {session.Settings.Endpoint}";
            using var screen = new TerminalScreen(output);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), time);
            var drawnChanges = -1L;
            var drawnSecond = -1L;
            var drawnConnected = true;
            try
            {
                do
                {
                    var now = time.GetUtcNow();
                    var second = now.ToUnixTimeSeconds();
                    var connected = session.IsConnected;
                    if (model.Changes != drawnChanges || second != drawnSecond || connected != drawnConnected)
                    {
                        drawnChanges = model.Changes;
                        drawnSecond = second;
                        drawnConnected = connected;
                        var (width, height) = size();
                        screen.Draw(FleetWatchScreen.Render(model, source, connected ? null : session.LastError ?? "the broker went away", now, width, height));
                    }
                }
                while (await timer.WaitForNextTickAsync(cancellationToken));
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl-C: a clean exit.
            }
        }
        finally
        {
            session.MessageReceived -= OnMessage;
        }
    }
}
