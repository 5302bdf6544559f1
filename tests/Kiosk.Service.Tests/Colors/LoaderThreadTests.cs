using System.Globalization;
using Kiosk.Colors;

namespace Kiosk.Service.Tests.Colors;

/// <summary>The thread a snapshot's load runs on: its own (not the pool's), named, of lower priority, its outcome the task's.</summary>
public sealed class LoaderThreadTests
{
    [Fact]
    public async Task TheWorkRunsOnItsOwnNamedThreadAtALowerPriority()
    {
        var processNice = Nice("/proc/self/stat");
        string? name = null;
        var pool = true;
        var nice = 0;
        await LoaderThread.Run(
            () =>
            {
                name = Thread.CurrentThread.Name;
                pool = Thread.CurrentThread.IsThreadPoolThread;
                nice = Nice("/proc/thread-self/stat");
            },
            "manifest-apply");

        Assert.Equal("manifest-apply", name);
        Assert.False(pool);
        Assert.Equal(Math.Min(19, processNice + LoaderThread.Nice), nice);
        Assert.Equal(processNice, Nice("/proc/thread-self/stat")); // the caller's thread keeps its priority
    }

    [Fact]
    public async Task AnExceptionOfTheWorkFaultsTheTask()
    {
        var task = LoaderThread.Run(() => throw new InvalidDataException("part 3: hash differs"), "manifest-apply");

        var thrown = await Assert.ThrowsAsync<InvalidDataException>(() => task);
        Assert.Equal("part 3: hash differs", thrown.Message);
    }

    // Field 19 of /proc/.../stat, counted after the command name's closing parenthesis (which may hold spaces).
    private static int Nice(string stat)
    {
        var text = File.ReadAllText(stat);
        var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[19 - 3], CultureInfo.InvariantCulture);
    }
}
