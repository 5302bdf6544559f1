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
    public async Task ThreadsTheWorkLeavesBehindKeepTheProcesssPriority()
    {
        // Linux threads inherit their creator's nice: the pool threads that run what follows the work must not be the loader's children.
        var processNice = Nice("/proc/self/stat");
        for (var i = 0; i < 8; i++)
        {
            await LoaderThread.Run(() => Thread.Sleep(1), "manifest-apply");
            var after = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            {
                Thread.Sleep(5);
                return Nice("/proc/thread-self/stat");
            })));
            Assert.All(after, nice => Assert.Equal(processNice, nice));
        }
    }

    [Fact]
    public async Task ALoaderStartedFromALoaderRunsAtTheSameLowerPriority()
    {
        var processNice = Nice("/proc/self/stat");
        var inner = 0;
        await LoaderThread.Run(() => LoaderThread.Run(() => inner = Nice("/proc/thread-self/stat"), "manifest-read").GetAwaiter().GetResult(), "manifest-apply");

        Assert.Equal(Math.Min(19, processNice + LoaderThread.Nice), inner);
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
