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

    private static string Cut(string text, int width)
    {
        var printable = ConsoleText.Printable(text); // an alert's kiosk, kind and detail came from the broker
        return printable.Length > width ? printable[..width] : printable;
    }
}
