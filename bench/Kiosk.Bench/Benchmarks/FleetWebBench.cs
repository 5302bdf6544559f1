using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Kiosk.FleetConsole;
using Kiosk.FleetWeb;
using Kiosk.Mqtt;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Playwright;
using MQTTnet;
using MQTTnet.Protocol;

namespace Kiosk.Bench.Benchmarks;

/// <summary>
/// The web console's kiosk table for a thousand kiosks (<c>kiosk fleet serve</c>): a thousand retained statuses on the
/// broker, the console connected and holding them; then <c>fleet.web.table_ms</c> is the server's time to answer the
/// signed-in fleet page (the table rendered, over HTTP on loopback), and <c>fleet.web.table_page_ms</c> the time until
/// Debian's chromium (Playwright, when installed) has the page with its thousand rows and the first live update
/// applied. Baseline, in the same run: the terminal's <c>fleet status</c> over the same thousand kiosks
/// (<see cref="FleetConsoleBench"/>: connect, read every retained status, sort, render).
/// </summary>
public sealed partial class FleetWebBench : IBenchmark
{
    private const int Kiosks = 1000;
    private const string Chromium = "/usr/bin/chromium";

    /// <inheritdoc />
    public IReadOnlyList<string> FigureNames { get; } = ["fleet.web.table_ms", "fleet.web.table_page_ms"];

    /// <inheritdoc />
    public async Task<IReadOnlyList<Figure>> RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        await using var broker = await FleetBench.BenchBroker.StartAsync(cancellationToken);
        var root = Directory.CreateTempSubdirectory("kiosk-web-bench-").FullName;
        try
        {
            await PopulateAsync(broker.Port, cancellationToken);
            var rounds = options.Quick ? 5 : 20;
            var terminal = new List<double>(rounds);
            for (var round = 0; round < rounds + 1; round++)
            {
                var ms = await FleetConsoleBench.ConsoleStatusAsync(broker.Port, cancellationToken);
                if (round > 0)
                {
                    terminal.Add(ms);
                }
            }

            var users = Path.Combine(root, "users.json");
            FleetUsers.AddOrReplace(users, "bench", FleetUsers.Operator, "bench-password");
            var web = new FleetWebOptions { Urls = ["http://127.0.0.1:0"], UsersFile = users, HistoryFile = Path.Combine(root, "history.db") };
            var settings = new FleetConsoleSettings(new FleetOptions { Host = "127.0.0.1", Port = broker.Port, Timeout = TimeSpan.FromSeconds(30) }, TimeSpan.FromSeconds(30));
            await using var server = await FleetWebServer.StartAsync(web, settings, TimeProvider.System, NullLoggerFactory.Instance, cancellationToken);
            var until = Stopwatch.StartNew();
            while (server.Live.Rows().Count < Kiosks)
            {
                if (until.Elapsed > TimeSpan.FromSeconds(60))
                {
                    throw new InvalidOperationException($"the console holds {server.Live.Rows().Count} kiosks, expected {Kiosks}");
                }

                await Task.Delay(50, cancellationToken);
            }

            var address = server.Addresses.Single();
            var serverTimes = await ServerTimesAsync(address, rounds, cancellationToken);
            var baseline = Math.Round(Stats.Median(terminal), 1);
            var figures = new List<Figure> { new("fleet.web.table_ms", Math.Round(Stats.Median(serverTimes), 1), "ms", baseline) };
            if (File.Exists(Chromium))
            {
                var page = await BrowserTimesAsync(address, rounds, cancellationToken);
                figures.Add(new Figure("fleet.web.table_page_ms", Math.Round(Stats.Median(page), 1), "ms", baseline));
                Console.Error.WriteLine($"fleet.web: {Kiosks} kiosks; page ready in chromium p50 {Stats.Median(page):F1} ms (min {page.Min():F1})");
            }
            else
            {
                Console.Error.WriteLine($"fleet.web.table_page_ms: skipped, {Chromium} is not installed (apt-get install chromium)");
            }

            Console.Error.WriteLine($"fleet.web: {Kiosks} kiosks; server p50 {Stats.Median(serverTimes):F1} ms (min {serverTimes.Min():F1}); terminal fleet status p50 {Stats.Median(terminal):F1} ms");
            return figures;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        }
    }

    // A thousand retained statuses as mqtt.md has them (a few degraded), from one publisher.
    private static async Task PopulateAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId("web-bench-populate").WithCleanStart(true).Build(), cancellationToken);
        var now = DateTimeOffset.UtcNow;
        for (var i = 0; i < Kiosks; i++)
        {
            var degraded = i % 97 == 0;
            var payload = FleetJson.Write(w =>
            {
                w.WriteStartObject();
                w.WriteString("state", degraded ? "degraded" : "online");
                w.WriteString("at", FleetJson.Timestamp(now));
                w.WriteString("version", "0.1.0");
                w.WriteString("bootId", Guid.NewGuid().ToString());
                w.WriteStartArray("problems");
                if (degraded)
                {
                    w.WriteStringValue("thermometer_fault");
                }

                w.WriteEndArray();
                w.WriteStartObject("colorData");
                w.WriteString("feed", "CN-HL");
                w.WriteNumber("seq", 42);
                w.WriteString("inSyncAsOf", FleetJson.Timestamp(now.AddMinutes(-i % 30)));
                w.WriteEndObject();
                w.WriteEndObject();
            });
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic($"kiosk/v1/site-{i % 10}/k{i:D4}/status").WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag().Build(), cancellationToken);
        }

        await client.DisconnectAsync(cancellationToken: cancellationToken);
    }

    private static async Task<List<double>> ServerTimesAsync(string address, int rounds, CancellationToken cancellationToken)
    {
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = true };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(address) };
        var login = await http.GetStringAsync("/login", cancellationToken);
        var token = TokenField().Match(login).Groups[1].Value;
        using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", WebUtility.HtmlDecode(token)), new("user", "bench"), new("password", "bench-password"), new("returnUrl", "/")]);
        (await http.PostAsync("/login", form, cancellationToken)).EnsureSuccessStatusCode();
        var times = new List<double>(rounds);
        for (var round = 0; round < rounds + 1; round++)
        {
            var start = Stopwatch.GetTimestamp();
            var html = await http.GetStringAsync("/", cancellationToken);
            var elapsed = Stats.ElapsedMs(start);
            var rows = CountRows(html);
            if (rows != Kiosks)
            {
                throw new InvalidOperationException($"the fleet page listed {rows} kiosks, expected {Kiosks}");
            }

            if (round > 0)
            {
                times.Add(elapsed);
            }
        }

        return times;
    }

    private static async Task<List<double>> BrowserTimesAsync(string address, int rounds, CancellationToken cancellationToken)
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium, Headless = true, Args = ["--no-sandbox"] });
        var page = await (await browser.NewContextAsync(new() { BaseURL = address })).NewPageAsync();
        await page.GotoAsync("/");
        await page.FillAsync("#user", "bench");
        await page.FillAsync("#password", "bench-password");
        await page.ClickAsync("#sign-in");
        await page.WaitForSelectorAsync("#kiosks");
        var times = new List<double>(rounds);
        for (var round = 0; round < rounds + 1; round++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var start = Stopwatch.GetTimestamp();
            await page.GotoAsync("/");
            await page.WaitForFunctionAsync($"document.body.dataset.live === 'yes' && document.querySelectorAll('#kiosk-rows tr[data-kiosk]').length === {Kiosks}", null, new() { PollingInterval = 5, Timeout = 60_000 });
            var elapsed = Stats.ElapsedMs(start);
            if (round > 0)
            {
                times.Add(elapsed);
            }
        }

        return times;
    }

    private static int CountRows(string html)
    {
        var count = 0;
        for (var at = html.IndexOf("<tr data-kiosk=", StringComparison.Ordinal); at >= 0; at = html.IndexOf("<tr data-kiosk=", at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
