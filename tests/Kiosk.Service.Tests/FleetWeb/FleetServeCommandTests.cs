using Kiosk.Service.Tests.Fleet;
using Kiosk.Service.Tests.Infrastructure;

namespace Kiosk.Service.Tests.FleetWeb;

/// <summary><c>kiosk fleet serve</c>'s refusals at start: one line each, before any broker is asked.</summary>
public sealed class FleetServeCommandTests
{
    [Fact]
    public async Task ServeRefusesPlainHttpOffLoopbackWithOneLine()
    {
        using var directory = new TempDirectory();
        var result = await CliRunner.RunAsync("fleet", "serve", "--urls", "http://0.0.0.0:8080", "--users", Path.Combine(directory.Path, "users.json"), "--history", Path.Combine(directory.Path, "history.db"));
        CliRunner.AssertOneLineError(result, "refusing plain HTTP on 0.0.0.0");
    }

    [Fact]
    public async Task ServeWithoutAUsersFileSaysHowToMakeOne()
    {
        using var directory = new TempDirectory();
        var result = await CliRunner.RunAsync("fleet", "serve", "--urls", "http://127.0.0.1:0", "--users", Path.Combine(directory.Path, "users.json"), "--history", Path.Combine(directory.Path, "history.db"), "--mqtt", "127.0.0.1:1");
        CliRunner.AssertOneLineError(result, "kiosk fleet user add");
    }
}
