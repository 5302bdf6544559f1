using System.Globalization;

namespace Kiosk.FleetConsole;

/// <summary>The lines of one <c>fleet watch</c> screen: a header, the status table with the hour's counts, the latest alerts.</summary>
internal static class FleetWatchScreen
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
            .Concat([r.Pass.ToString(CultureInfo.InvariantCulture), r.Refer.ToString(CultureInfo.InvariantCulture), ConsoleText.Cell(r.Reasons, ConsoleText.FieldLength * 4)]).ToArray()).ToList();
        var table = FleetStatusTable.Align(Columns, cells, width: null, shrink: 3);
        if (table.Max(l => l.Length) > width)
        {
            // Narrow (80 columns): the same facts in fewer characters; nothing vanishes, only PROBLEMS and REASONS are cut.
            table = Compact(rows, now, width);
        }

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

    /// <summary>The compact columns: <c>site/kiosk</c> in one, devices as three letters, short headers, and the two free-text columns shrunk to fit.</summary>
    public static readonly IReadOnlyList<string> CompactColumns = ["KIOSK", "STATE", "PROBLEMS", "VER", "SEQ", "AGE", "TCR", "SEEN", "P/h", "R/h", "REASONS/h"];

    private static List<string> Compact(IReadOnlyList<(KioskStatusRow Row, int Pass, int Refer, string Reasons)> rows, DateTimeOffset now, int width)
    {
        var cells = rows.Select(r =>
        {
            var full = FleetStatusTable.Cells(r.Row, now);
            return new[]
            {
                ConsoleText.Cell(r.Row.Name),
                State(r.Row.State),
                full[3],
                full[4],
                full[5],
                full[6],
                $"{Device(r.Row.Thermometer)}{Device(r.Row.Camera)}{Device(r.Row.Reader)}",
                full[10].Replace(" ago", string.Empty, StringComparison.Ordinal),
                r.Pass.ToString(CultureInfo.InvariantCulture),
                r.Refer.ToString(CultureInfo.InvariantCulture),
                ConsoleText.Cell(r.Reasons, ConsoleText.FieldLength * 4),
            };
        }).ToList();
        var widths = CompactColumns.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        var total = widths.Sum() + widths.Length - 1;

        // Give way in turn: the reasons, the problems, the kiosk name (never below their headers).
        foreach (var column in new[] { 10, 2, 0 })
        {
            if (total > width)
            {
                var floor = Math.Max(CompactColumns[column].Length, column == 0 ? 12 : 8);
                var cut = Math.Min(total - width, Math.Max(0, widths[column] - floor));
                widths[column] -= cut;
                total -= cut;
            }
        }

        var lines = new List<string> { Line(CompactColumns.ToArray(), widths, width) };
        lines.AddRange(cells.Select(c => Line(c, widths, width)));
        return lines;
    }

    private static string Line(string[] cells, int[] widths, int width)
    {
        var text = string.Join(" ", cells.Select((c, i) => (c.Length > widths[i] ? c[..Math.Max(0, widths[i] - 1)] + "…" : c).PadRight(widths[i]))).TrimEnd();
        return text.Length > width ? text[..width] : text;
    }

    // online → on, degraded → degr, offline → off; lost and unreadable as they are (short, and worth the room).
    private static string State(string state) => state switch
    {
        Mqtt.KioskState.Online => "on",
        Mqtt.KioskState.Degraded => "degr",
        Mqtt.KioskState.Offline => "off",
        KioskStatusRow.Unreadable => "unrd",
        _ => ConsoleText.Cell(state, 8),
    };

    // Thermometer, camera, reader: '.' ok, 'F' fault, '?' unknown.
    private static char Device(string health) => health switch
    {
        "ok" => '.',
        "fault" => 'F',
        _ => '?',
    };

    private static string Cut(string text, int width)
    {
        var printable = ConsoleText.Printable(text); // an alert's kiosk, kind and detail came from the broker
        return printable.Length > width ? printable[..width] : printable;
    }
}
