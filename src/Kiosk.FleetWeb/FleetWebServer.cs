using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Kiosk.Core;
using Kiosk.FleetConsole;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Kiosk.FleetWeb;

/// <summary>
/// <c>kiosk fleet serve</c>: the web console on Kestrel. Sign-in against the users file (cookie authentication),
/// antiforgery on every form, roles viewer and operator (only operators open gates, restart, resync, configure and
/// decommission; each such action audited), HTTPS with the configured certificate and plain HTTP on loopback only.
/// </summary>
public sealed partial class FleetWebServer : IAsyncDisposable
{
    private const string OperatorPolicy = "operator";
    private readonly WebApplication _app;
    private readonly FleetLive _live;
    private readonly FleetHistory _history;

    private FleetWebServer(WebApplication app, FleetLive live, FleetHistory history)
    {
        _app = app;
        _live = live;
        _history = history;
    }

    /// <summary>The addresses Kestrel listens on (a port 0 resolved).</summary>
    public IReadOnlyList<string> Addresses => _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];

    /// <summary>The live fleet (for tests and the bench).</summary>
    public FleetLive Live => _live;

    /// <summary>Checks the options, loads the users and the certificate, connects to the broker and starts listening; every failure is one <see cref="KioskInputException"/> line.</summary>
    public static async Task<FleetWebServer> StartAsync(FleetWebOptions options, FleetConsoleSettings broker, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        options.Validate();
        var users = FleetUsers.Load(options.UsersFile);
        var certificate = LoadCertificate(options);
        var logger = loggers.CreateLogger("Kiosk.FleetWeb");
        var history = new FleetHistory(options.HistoryFile, options.HistoryMaxAge, options.HistoryMaxRows, time);
        FleetLive live;
        try
        {
            history.Prune();
            live = await FleetLive.StartAsync(broker, history, options.Site, time, logger, cancellationToken);
        }
        catch
        {
            history.Dispose();
            throw;
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(loggers);
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.ConfigureHttpsDefaults(h => h.ServerCertificate = certificate));
        builder.WebHost.UseUrls([.. options.Urls]);
        var keys = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(options.HistoryFile))!, "fleet-web-keys");
        builder.Services.AddDataProtection().SetApplicationName("kiosk-fleet").PersistKeysToFileSystem(new DirectoryInfo(keys));
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o =>
        {
            o.LoginPath = "/login";
            o.AccessDeniedPath = "/denied";
            o.Cookie.Name = "kiosk-fleet";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(8);
            o.SlidingExpiration = true;
        });
        builder.Services.AddAuthorizationBuilder().AddPolicy(OperatorPolicy, p => p.RequireRole(FleetUsers.Operator));
        builder.Services.AddAntiforgery(o => o.Cookie.Name = "kiosk-fleet-af");
        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        var actions = new FleetActions(live, options.DiscoveryPrefix, time, logger);
        Map(app, users, live, actions, history, time, logger);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await app.DisposeAsync();
            await live.DisposeAsync();
            history.Dispose();
            throw new KioskInputException($"fleet serve: cannot listen on {string.Join(", ", options.Urls)}: {ex.Message}", ex);
        }

        var server = new FleetWebServer(app, live, history);
        LogListening(logger, string.Join(", ", server.Addresses));
        return server;
    }

    /// <summary>Runs until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C or SIGTERM.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token);
        }

        await _app.DisposeAsync();
        await _live.DisposeAsync();
        _history.Dispose();
    }

    private static X509Certificate2? LoadCertificate(FleetWebOptions options)
    {
        if (string.IsNullOrEmpty(options.CertificateFile))
        {
            return null;
        }

        try
        {
            var certificate = options.CertificateKeyFile is { Length: > 0 } key
                ? X509Certificate2.CreateFromPemFile(options.CertificateFile, key)
                : X509CertificateLoader.LoadPkcs12FromFile(options.CertificateFile, options.CertificatePassword);
            return certificate.HasPrivateKey ? certificate : throw new KioskInputException($"fleet serve: {options.CertificateFile} has no private key");
        }
        catch (Exception ex) when (ex is System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new KioskInputException($"fleet serve: cannot load the certificate {options.CertificateFile}: {ex.Message}", ex);
        }
    }

    private static void Map(WebApplication app, FleetUsers users, FleetLive live, FleetActions actions, FleetHistory history, TimeProvider time, ILogger logger)
    {
        app.MapGet("/static/{file}", (string file) => StaticFile(file));
        app.MapGet("/login", (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
            Html(FleetPages.Layout("Sign in", null, null, null, FleetPages.Login(antiforgery.GetAndStoreTokens(context).RequestToken, null, returnUrl))));
        app.MapPost("/login", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (await Form(context, antiforgery) is not { } form)
            {
                return Results.BadRequest("the form expired: reload the page");
            }

            var name = form["user"].ToString();
            var role = name.Length is > 0 and <= 64 ? users.SignIn(name, form["password"].ToString()) : null;
            if (role is null)
            {
                LogSignInFailed(logger);
                return Html(FleetPages.Layout("Sign in", null, null, null, FleetPages.Login(antiforgery.GetAndStoreTokens(context).RequestToken, "Wrong user name or password.", form["returnUrl"])), StatusCodes.Status401Unauthorized);
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, name), new Claim(ClaimTypes.Role, role)], CookieAuthenticationDefaults.AuthenticationScheme);
            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity));
            var returnUrl = form["returnUrl"].ToString();
            return Results.LocalRedirect(returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal) ? returnUrl : "/");
        });
        app.MapPost("/logout", async (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (await Form(context, antiforgery) is null)
            {
                return Results.BadRequest("the form expired: reload the page");
            }

            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect("/login");
        }).RequireAuthorization();
        app.MapGet("/denied", (HttpContext context) => Html(FleetPages.Layout("Not allowed", context.User.Identity?.Name, Role(context), null, "<h1 id=\"denied\">Not allowed</h1><p>Opening gates, restarting, configuration and decommission are for operators.</p><p><a href=\"/\">Back</a></p>"), StatusCodes.Status403Forbidden));

        app.MapGet("/", (HttpContext context, IAntiforgery antiforgery, string? done) =>
        {
            var token = antiforgery.GetAndStoreTokens(context).RequestToken;
            var now = time.GetUtcNow();
            return Html(FleetPages.Layout("Kiosks", context.User.Identity?.Name, Role(context), token, FleetPages.Fleet(live.Rows(), live.Alerts(), history.Audit(20), now, IsOperator(context), token, done)));
        }).RequireAuthorization();

        app.MapGet("/events", async (HttpContext context, CancellationToken cancellationToken) =>
        {
            context.Response.Headers.ContentType = "text/event-stream";
            context.Response.Headers.CacheControl = "no-cache";
            var last = long.MinValue;
            var sent = DateTimeOffset.MinValue;
            try
            {
                while (!cancellationToken.IsCancellationRequested)
                {
                    var changes = live.Changes;
                    var now = time.GetUtcNow();
                    if (changes != last || now - sent >= TimeSpan.FromSeconds(5))
                    {
                        (last, sent) = (changes, now);
                        var rows = live.Rows();
                        var json = JsonSerializer.Serialize(new TableUpdate(FleetPages.TableBody(rows, now), FleetPages.AlertItems(live.Alerts()), FleetPages.Summary(rows)), FleetWebJson.Default.TableUpdate);
                        await context.Response.WriteAsync($"event: table\ndata: {json}\n\n", cancellationToken);
                        await context.Response.Body.FlushAsync(cancellationToken);
                    }

                    await Task.Delay(TimeSpan.FromMilliseconds(250), time, cancellationToken);
                }
            }
            catch (OperationCanceledException)
            {
                // The browser went away.
            }
        }).RequireAuthorization();

        app.MapGet("/kiosk/{site}/{kiosk}", (HttpContext context, IAntiforgery antiforgery, string site, string kiosk, string? done) =>
        {
            if (live.Find(site, kiosk) is not { } row)
            {
                return Results.NotFound($"no kiosk {site}/{kiosk}");
            }

            var token = antiforgery.GetAndStoreTokens(context).RequestToken;
            return Html(FleetPages.Layout(row.Row.Name, context.User.Identity?.Name, Role(context), token, FleetPages.Kiosk(row, actions, history, time.GetUtcNow(), IsOperator(context), token, done)));
        }).RequireAuthorization();

        app.MapGet("/kiosk/{site}/{kiosk}/screenshot.png", (string site, string kiosk) =>
            actions.Screenshot($"{site}/{kiosk}") is { } shot ? Results.File(shot.Png, "image/png") : Results.NotFound());

        KioskPost(app, "screenshot", null, (context, form, row, ct) => actions.TakeScreenshotAsync(row, ct));
        KioskPost(app, "selftest", null, (context, form, row, ct) => actions.RunSelfTestAsync(row, ct));
        KioskPost(app, "command", OperatorPolicy, async (context, form, row, ct) =>
        {
            var command = FleetCommandSender.Normalize(form["command"].ToString());
            if (command is "open-gate" or "restart" && form["confirm"] != "yes")
            {
                return $"{command} not sent: it needs a confirmation";
            }

            var replies = await actions.SendAsync(User(context), row.Site, row.KioskId, command, ct);
            return string.Join("; ", replies.Select(r => FleetCommandSender.Describe(command, r)));
        });
        KioskPost(app, "config", OperatorPolicy, async (context, form, row, ct) =>
        {
            var (set, unset) = Settings(form["settings"].ToString());
            var results = await actions.ConfigureAsync(User(context), row.Site, row.KioskId, set, unset, ct);
            return string.Join("; ", results.Select(r => $"configuration version {r.Outcome.Version}: {r.Outcome.Status}"));
        });
        KioskPost(app, "decommission", OperatorPolicy, async (context, form, row, ct) =>
            form["confirm"] != "yes" ? "not decommissioned: it needs a confirmation" : await actions.DecommissionAsync(User(context), row, ct));

        app.MapPost("/site/command", async (HttpContext context, IAntiforgery antiforgery, CancellationToken ct) =>
        {
            if (await Form(context, antiforgery) is not { } form)
            {
                return Results.BadRequest("the form expired: reload the page");
            }

            var command = FleetCommandSender.Normalize(form["command"].ToString());
            return await Done("/", async () => command is "open-gate" or "restart" && form["confirm"] != "yes"
                ? $"{command} not sent: it needs a confirmation"
                : string.Join("; ", (await actions.SendAsync(User(context), form["site"].ToString(), null, command, ct)).Select(r => FleetCommandSender.Describe(command, r))));
        }).RequireAuthorization(OperatorPolicy);
        app.MapPost("/site/config", async (HttpContext context, IAntiforgery antiforgery, CancellationToken ct) =>
        {
            if (await Form(context, antiforgery) is not { } form)
            {
                return Results.BadRequest("the form expired: reload the page");
            }

            return await Done("/", async () =>
            {
                var (set, unset) = Settings(form["settings"].ToString());
                var results = await actions.ConfigureAsync(User(context), form["site"].ToString(), null, set, unset, ct);
                return string.Join("; ", results.Select(r => $"{r.Kiosk.KioskId}: version {r.Outcome.Version} {r.Outcome.Status}{(r.Outcome.Reason is { } why ? " (" + why + ")" : string.Empty)}"));
            });
        }).RequireAuthorization(OperatorPolicy);

        void KioskPost(WebApplication web, string action, string? policy, Func<HttpContext, IFormCollection, KioskStatusRow, CancellationToken, Task<string>> handle)
        {
            var endpoint = web.MapPost($"/kiosk/{{site}}/{{kiosk}}/{action}", async (HttpContext context, IAntiforgery antiforgery, string site, string kiosk, CancellationToken ct) =>
            {
                if (await Form(context, antiforgery) is not { } form)
                {
                    return Results.BadRequest("the form expired: reload the page");
                }

                if (live.Find(site, kiosk) is not { } row)
                {
                    return Results.NotFound($"no kiosk {site}/{kiosk}");
                }

                return await Done($"/kiosk/{Uri.EscapeDataString(site)}/{Uri.EscapeDataString(kiosk)}", () => handle(context, form, row.Row, ct));
            });
            if (policy is null)
            {
                endpoint.RequireAuthorization();
            }
            else
            {
                endpoint.RequireAuthorization(policy);
            }
        }
    }

    private static async Task<IResult> Done(string page, Func<Task<string>> act)
    {
        string message;
        try
        {
            message = await act();
        }
        catch (KioskInputException ex)
        {
            message = ex.Message;
        }

        return Results.LocalRedirect($"{page}?done={Uri.EscapeDataString(message)}");
    }

    /// <summary>Reads a posted form after checking its antiforgery token; null when the token is missing or wrong.</summary>
    private static async Task<IFormCollection?> Form(HttpContext context, IAntiforgery antiforgery)
    {
        try
        {
            await antiforgery.ValidateRequestAsync(context);
            return await context.Request.ReadFormAsync();
        }
        catch (AntiforgeryValidationException)
        {
            return null;
        }
    }

    /// <summary>Lines of <c>Section:Key=Value</c> (set) and <c>Section:Key=</c> or <c>Section:Key</c> (unset).</summary>
    internal static (IReadOnlyList<(string Key, string Value)> Set, IReadOnlyList<string> Unset) Settings(string text)
    {
        var set = new List<(string, string)>();
        var unset = new List<string>();
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Take(64))
        {
            if (line.EndsWith('=') || !line.Contains('=', StringComparison.Ordinal))
            {
                unset.Add(FleetConfigurator.ParseKey(line.TrimEnd('='), "setting"));
            }
            else
            {
                set.Add(FleetConfigurator.ParseSetting(line));
            }
        }

        return (set, unset);
    }

    private static IResult Html(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);

    private static IResult StaticFile(string file)
    {
        var stream = typeof(FleetWebServer).Assembly.GetManifestResourceStream($"wwwroot/{file}");
        if (stream is null)
        {
            return Results.NotFound();
        }

        var type = Path.GetExtension(file) switch
        {
            ".js" => "text/javascript",
            ".css" => "text/css",
            ".txt" => "text/plain",
            _ => "application/octet-stream",
        };
        return Results.Stream(stream, type);
    }

    private static bool IsOperator(HttpContext context) => context.User.IsInRole(FleetUsers.Operator);

    private static string? Role(HttpContext context) => IsOperator(context) ? FleetUsers.Operator : FleetUsers.Viewer;

    private static string User(HttpContext context) => context.User.Identity?.Name ?? "?";

    [LoggerMessage(EventId = 4600, Level = LogLevel.Information, Message = "fleet console listening on {Addresses}")]
    private static partial void LogListening(ILogger logger, string addresses);

    [LoggerMessage(EventId = 4604, Level = LogLevel.Warning, Message = "fleet console: a sign-in failed")]
    private static partial void LogSignInFailed(ILogger logger);
}
