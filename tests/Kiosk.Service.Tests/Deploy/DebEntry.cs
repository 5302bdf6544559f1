namespace Kiosk.Service.Tests.Deploy;

/// <summary>One line of <c>dpkg-deb -c</c>: mode, owner/group, size, date, time, path [-> target].</summary>
internal sealed record DebEntry(string Mode, string Owner, string Path, string? LinkTarget)
{
    public static DebEntry Parse(string line)
    {
        var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
        Assert.True(fields.Length == 6, $"unexpected dpkg-deb -c line: {line}");
        var name = fields[5];
        var arrow = name.IndexOf(" -> ", StringComparison.Ordinal);
        return arrow < 0
            ? new DebEntry(fields[0], fields[1], name, null)
            : new DebEntry(fields[0], fields[1], name[..arrow], name[(arrow + 4)..]);
    }
}
