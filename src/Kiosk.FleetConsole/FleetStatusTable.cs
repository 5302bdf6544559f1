using System.Globalization;
using System.Text;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.Mqtt;

namespace Kiosk.FleetConsole;

/// <summary>The <c>fleet status</c> table (one row per kiosk, worst first) as text or JSON, and its exit code.</summary>
public static class FleetStatusTable
{
    /// <summary>The columns, left to right.</summary>
    public static readonly IReadOnlyList<string> Columns = ["SITE", "KIOSK", "STATE", "PROBLEMS", "VERSION", "SEQ", "DATA AGE", "THERMO", "CAMERA", "READER", "LAST SEEN"];

    /// <summary>0 when every kiosk is online, 1 when any is not (degraded, lost, offline, unreadable).</summary>
    public static int ExitCode(IReadOnlyCollection<KioskStatusRow> rows) => rows.All(r => r.State == KioskState.Online) ? 0 : 1;

    /// <summary>The cells of one row: what came from the broker escaped (no control character) and bounded.</summary>
    public static string[] Cells(KioskStatusRow row, DateTimeOffset now) =>
    [
        ConsoleText.Cell(row.Site),
        ConsoleText.Cell(row.KioskId),
        ConsoleText.Cell(row.State),
        row.Problems.Count == 0 ? "-" : ConsoleText.Cell(string.Join(",", row.Problems), ConsoleText.FieldLength * 4),
        row.Version is { } version ? ConsoleText.Cell(version) : "-",
        row.Seq?.ToString(CultureInfo.InvariantCulture) ?? "-",
        row.ColorDataAge(now) is { } age ? Duration(age) : "never",
        row.Thermometer,
        row.Camera,
        row.Reader,
        row.LastSeen is { } seen ? Duration(now - seen) + " ago" : "-",
    ];

    /// <summary>Lines of the status table (header first), each at most <paramref name="width"/> characters when given.</summary>
    public static IReadOnlyList<string> Lines(IReadOnlyList<KioskStatusRow> rows, DateTimeOffset now, int? width = null) =>
        Align(Columns, rows.Select(r => Cells(r, now)).ToList(), width, shrink: 3);

    /// <summary>
    /// An aligned table (header first). On a narrow terminal column <paramref name="shrink"/> gives way first (cut
    /// with …), then each line is cut at <paramref name="width"/>.
    /// </summary>
    public static IReadOnlyList<string> Align(IReadOnlyList<string> headers, IReadOnlyList<string[]> cells, int? width, int shrink)
    {
        var widths = headers.Select((c, i) => Math.Max(c.Length, cells.Count == 0 ? 0 : cells.Max(r => r[i].Length))).ToArray();
        if (width is { } max)
        {
            var total = widths.Sum() + (2 * (widths.Length - 1));
            if (total > max)
            {
                widths[shrink] = Math.Max(Math.Min(8, widths[shrink]), widths[shrink] - (total - max));
            }
        }

        var lines = new List<string>(cells.Count + 1) { Line(headers.ToArray(), widths, width) };
        lines.AddRange(cells.Select(c => Line(c, widths, width)));
        return lines;
    }

    /// <summary>Writes the table and a summary line.</summary>
    public static void WriteText(TextWriter output, IReadOnlyList<KioskStatusRow> rows, DateTimeOffset now)
    {
        foreach (var line in Lines(rows, now))
        {
            output.WriteLine(line);
        }

        output.WriteLine(Summary(rows));
    }

    /// <summary><c>21 kiosks: 18 online, 2 degraded, 1 lost</c>.</summary>
    public static string Summary(IReadOnlyCollection<KioskStatusRow> rows)
    {
        var counts = rows.GroupBy(r => r.State).OrderBy(g => g.First().Severity).Select(g => $"{g.Count()} {ConsoleText.Cell(g.Key)}");
        return $"{rows.Count} kiosk{(rows.Count == 1 ? string.Empty : "s")}: {string.Join(", ", counts)}";
    }

    /// <summary>One JSON document: <c>{"at", "summary": {state: count}, "kiosks": [...]}</c>, kiosks worst first.</summary>
    public static string Json(IReadOnlyList<KioskStatusRow> rows, DateTimeOffset now) =>
        Encoding.UTF8.GetString(FleetJson.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("at", FleetJson.Timestamp(now));
            w.WriteStartObject("summary");
            foreach (var group in rows.GroupBy(r => r.State).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                w.WriteNumber(group.Key, group.Count());
            }

            w.WriteEndObject();
            w.WriteStartArray("kiosks");
            foreach (var row in rows)
            {
                WriteRow(w, row, now);
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }));

    /// <summary>An age as the kiosk's own screen shows it: <c>45 s</c>, <c>12 min</c>, <c>5 h</c>, <c>3 d</c>.</summary>
    public static string Duration(TimeSpan span) => AgeText.Short(span);

    private static void WriteRow(Utf8JsonWriter w, KioskStatusRow row, DateTimeOffset now)
    {
        w.WriteStartObject();
        w.WriteString("site", row.Site);
        w.WriteString("kioskId", row.KioskId);
        w.WriteString("state", row.State);
        w.WriteStartArray("problems");
        foreach (var problem in row.Problems)
        {
            w.WriteStringValue(problem);
        }

        w.WriteEndArray();
        NullableString(w, "version", row.Version);
        NullableString(w, "bootId", row.BootId);
        w.WriteStartObject("colorData");
        NullableString(w, "feed", row.Feed);
        if (row.Seq is { } seq)
        {
            w.WriteNumber("seq", seq);
        }
        else
        {
            w.WriteNull("seq");
        }

        NullableString(w, "inSyncAsOf", row.InSyncAsOf is { } t ? FleetJson.Timestamp(t) : null);
        FleetJson.Number(w, "ageS", row.ColorDataAge(now) is { } age ? Math.Round(age.TotalSeconds, 0) : null);
        w.WriteEndObject();
        w.WriteStartObject("devices");
        w.WriteString("thermometer", row.Thermometer);
        w.WriteString("camera", row.Camera);
        w.WriteString("reader", row.Reader);
        w.WriteEndObject();
        NullableString(w, "at", row.At is { } at ? FleetJson.Timestamp(at) : null);
        NullableString(w, "lastSeen", row.LastSeen is { } seen ? FleetJson.Timestamp(seen) : null);
        w.WriteEndObject();
    }

    private static void NullableString(Utf8JsonWriter w, string name, string? value)
    {
        if (value is null)
        {
            w.WriteNull(name);
        }
        else
        {
            w.WriteString(name, value);
        }
    }

    private static string Line(string[] cells, int[] widths, int? width)
    {
        var line = new StringBuilder();
        for (var i = 0; i < cells.Length; i++)
        {
            var cell = cells[i].Length > widths[i] ? cells[i][..Math.Max(0, widths[i] - 1)] + "…" : cells[i];
            line.Append(i == cells.Length - 1 ? cell : cell.PadRight(widths[i] + 2));
        }

        var text = line.ToString().TrimEnd();
        return width is { } max && text.Length > max ? text[..max] : text;
    }
}
