using System.Diagnostics;
using Kiosk.FleetConsole;
using Kiosk.FleetWeb;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Fleet;
using Kiosk.Service.Tests.FleetConsole;
using Kiosk.Service.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;

namespace Kiosk.Service.Tests.FleetWeb;

/// <summary>
/// <c>kiosk fleet serve</c> in a real browser: Debian's chromium driven by Playwright (no browser download), against a
/// real Mosquitto and real <c>kiosk run --simulate</c> kiosks. Screenshots of the pages go to
/// <c>$TMPDIR/kiosk-fleet-web-screens</c> for a person to look at.
/// </summary>
public sealed class FleetWebBrowserTests
{
    private const string Chromium = "/usr/bin/chromium";

    private static readonly string Screens = Path.Combine(Path.GetTempPath(), "kiosk-fleet-web-screens");

    [Fact]
    public async Task SignInTheTableFillsAKilledKioskTurnsLostAViewerCannotOpenTheGateAnOperatorCanAndARejectedKeyIsShown()
    {
        Assert.True(File.Exists(Chromium), "chromium is not installed (apt-get install chromium)");
        Directory.CreateDirectory(Screens);
        await using var broker = await MosquittoBroker.StartAsync();
        using var data = new TempDirectory();
        var users = Path.Combine(data.Path, "users.json");
        FleetUsers.AddOrReplace(users, "ann", FleetUsers.Operator, "operator-password");
        FleetUsers.AddOrReplace(users, "vic", FleetUsers.Viewer, "viewer-password");
        await using var first = SimulatedKioskProcess.Start(broker.Port, "web-1", homeAssistant: false);
        await using var second = SimulatedKioskProcess.Start(broker.Port, "web-2", homeAssistant: false);
        var options = new FleetWebOptions { Urls = ["http://127.0.0.1:0"], UsersFile = users, HistoryFile = Path.Combine(data.Path, "history.db") };
        var settings = new FleetConsoleSettings(new FleetOptions { Host = broker.Host, Port = broker.Port }, TimeSpan.FromSeconds(15));
        await using var server = await FleetWebServer.StartAsync(options, settings, TimeProvider.System, NullLoggerFactory.Instance, CancellationToken.None);
        var address = server.Addresses.Single();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });

        // A viewer signs in: the table fills with both kiosks from their retained statuses and telemetry.
        var viewer = await (await browser.NewContextAsync(new() { BaseURL = address, ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await viewer.GotoAsync("/");
        Assert.EndsWith("/login?ReturnUrl=%2F", viewer.Url, StringComparison.Ordinal);
        await viewer.FillAsync("#user", "vic");
        await viewer.FillAsync("#password", "wrong-password");
        await viewer.ClickAsync("#sign-in");
        await Assertions.Expect(viewer.Locator("#login-error")).ToBeVisibleAsync();
        await SignInAsync(viewer, "vic", "viewer-password");
        Assert.Equal("viewer", await viewer.TextContentAsync("#role"));
        foreach (var kiosk in (string[])["web-1", "web-2"])
        {
            await Assertions.Expect(viewer.Locator($"tr[data-kiosk='site-a/{kiosk}'][data-state='online'], tr[data-kiosk='site-a/{kiosk}'][data-state='degraded']"))
                .ToHaveCountAsync(1, new() { Timeout = 90_000 });
        }

        await Assertions.Expect(viewer.Locator("body[data-live='yes']")).ToHaveCountAsync(1);
        await viewer.ScreenshotAsync(new() { Path = Path.Combine(Screens, "1-table.png"), FullPage = true });

        // SIGKILL: no DISCONNECT, the broker publishes the Will; the live table shows lost within 5 s.
        var killed = Stopwatch.StartNew();
        await second.KillAsync();
        await Assertions.Expect(viewer.Locator("tr[data-kiosk='site-a/web-2']")).ToHaveAttributeAsync("data-state", "lost", new() { Timeout = 5_000 });
        Assert.True(killed.Elapsed < TimeSpan.FromSeconds(5), $"lost after {killed.Elapsed}");
        await viewer.ScreenshotAsync(new() { Path = Path.Combine(Screens, "2-lost.png"), FullPage = true });

        // The viewer's kiosk page: a screenshot on request, no gate button, and the server refuses the gate anyway.
        await viewer.ClickAsync("a[href='/kiosk/site-a/web-1']");
        await Assertions.Expect(viewer.Locator("#open-gate")).ToHaveCountAsync(0);
        await Assertions.Expect(viewer.Locator("#viewer-note")).ToBeVisibleAsync();
        await viewer.ClickAsync("#take-screenshot");
        await Assertions.Expect(viewer.Locator("img#screenshot")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        Assert.True(await viewer.EvalOnSelectorAsync<int>("img#screenshot", "img => img.complete ? img.naturalWidth : 0") > 100, "the screenshot did not load");
        await viewer.ScreenshotAsync(new() { Path = Path.Combine(Screens, "3-kiosk-viewer.png"), FullPage = true });
        var forged = await viewer.EvaluateAsync<int>("""
            async () => {
              const body = new URLSearchParams();
              body.set('__RequestVerificationToken', document.querySelector('input[name=__RequestVerificationToken]').value);
              body.set('command', 'open-gate');
              body.set('confirm', 'yes');
              const answer = await fetch('/kiosk/site-a/web-1/command', { method: 'POST', body });
              return answer.status;
            }
            """);
        Assert.Equal(403, forged);
        Assert.DoesNotContain(server.Live.History.Audit(10), a => a.Action == "open-gate");

        // An operator opens the gate after confirming; the action is audited and published as an alert.
        var operatorPage = await (await browser.NewContextAsync(new() { BaseURL = address, ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await operatorPage.GotoAsync("/");
        await SignInAsync(operatorPage, "ann", "operator-password");
        await operatorPage.GotoAsync("/kiosk/site-a/web-1");
        var dialogs = new List<string>();
        operatorPage.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.AcceptAsync();
        };
        await operatorPage.ClickAsync("#open-gate");
        await Assertions.Expect(operatorPage.Locator("#message")).ToContainTextAsync("gate opened", new() { Timeout = 30_000 });
        Assert.Equal(["Open the gate of site-a/web-1 now?"], dialogs);
        var audit = server.Live.History.Audit(10);
        Assert.Contains(audit, a => a.User == "ann" && a.Action == "open-gate" && a.Target == "site-a/web-1" && a.Outcome == "web-1 ok");

        // A configuration key the kiosk may not change at run time is shown as rejected, next to an accepted one.
        await operatorPage.FillAsync("#settings", "Checkpoint:FeverThresholdC=37.5\nFleet:Host=elsewhere.example");
        await operatorPage.ClickAsync("#apply-config");
        await Assertions.Expect(operatorPage.Locator("tr[data-key='Fleet:Host']")).ToHaveAttributeAsync("data-outcome", "rejected", new() { Timeout = 30_000 });
        await Assertions.Expect(operatorPage.Locator("tr[data-key='Fleet:Host']")).ToContainTextAsync("not changeable at run time");
        await operatorPage.ScreenshotAsync(new() { Path = Path.Combine(Screens, "4-kiosk-operator.png"), FullPage = true });

        // The fleet page lists the operator's actions and the alert the gate raised.
        await operatorPage.GotoAsync("/");
        await Assertions.Expect(operatorPage.Locator("#audit")).ToContainTextAsync("open-gate");
        await Assertions.Expect(operatorPage.Locator("#alerts")).ToContainTextAsync(FleetActions.OperatorActionKind, new() { Timeout = 10_000 });
        await operatorPage.ScreenshotAsync(new() { Path = Path.Combine(Screens, "5-fleet-operator.png"), FullPage = true });
    }

    private static async Task SignInAsync(IPage page, string user, string password)
    {
        await page.FillAsync("#user", user);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#sign-in");
        await Assertions.Expect(page.Locator("#kiosks")).ToBeVisibleAsync();
    }
}
