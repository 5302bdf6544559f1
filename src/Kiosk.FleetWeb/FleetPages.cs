using System.Globalization;
using System.Net;
using System.Text;
using Kiosk.FleetConsole;

namespace Kiosk.FleetWeb;

/// <summary>
/// The console's pages, rendered on the server as plain HTML (no Node, no client framework): the fleet table, a
/// kiosk's page, sign-in. Everything that came from the broker is HTML-encoded. The table body is also what the
/// server-sent events carry, so the first paint and every update are the same markup.
/// </summary>
public static class FleetPages
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>HTML-encodes.</summary>
    public static string H(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

    /// <summary>The whole page around <paramref name="body"/>.</summary>
    public static string Layout(string title, string? user, string? role, string? token, string body)
    {
        var b = new StringBuilder(body.Length + 1024);
        b.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        b.Append("<title>").Append(H(title)).Append(" · kiosk fleet</title><link rel=\"stylesheet\" href=\"/static/console.css\">");
        b.Append("<script type=\"module\" src=\"/static/console.js\"></script></head><body><header><a class=\"brand\" href=\"/\">kiosk fleet</a>");
        if (user is not null)
        {
            b.Append("<span class=\"who\">").Append(H(user)).Append(" (<span id=\"role\">").Append(H(role)).Append("</span>)</span>");
            b.Append("<form method=\"post\" action=\"/logout\" class=\"inline\">").Append(Token(token)).Append("<button>Sign out</button></form>");
        }

        b.Append("</header><main>").Append(body).Append("</main></body></html>");
        return b.ToString();
    }

    /// <summary>The antiforgery field.</summary>
    public static string Token(string? token) => token is null ? string.Empty : $"<input type=\"hidden\" name=\"__RequestVerificationToken\" value=\"{H(token)}\">";

    /// <summary>The sign-in form.</summary>
    public static string Login(string? token, string? error, string? returnUrl) =>
        $"""
        <h1>Sign in</h1>
        {(error is null ? string.Empty : $"<p class=\"error\" id=\"login-error\">{H(error)}</p>")}
        <form method="post" action="/login" class="login">{Token(token)}<input type="hidden" name="returnUrl" value="{H(returnUrl)}">
        <label>User <input name="user" id="user" autocomplete="username" required></label>
        <label>Password <input name="password" id="password" type="password" autocomplete="current-password" required></label>
        <button id="sign-in">Sign in</button></form>
        """;

    /// <summary>The fleet page: summary, live table, alerts, audit trail and (operators) site-wide commands and configuration.</summary>
    internal static string Fleet(IReadOnlyList<LiveRow> rows, IReadOnlyList<WatchedAlert> alerts, IReadOnlyList<AuditEntry> audit, DateTimeOffset now, bool isOperator, string? token, string? message)
    {
        var b = new StringBuilder();
        if (message is not null)
        {
            b.Append("<p class=\"message\" id=\"message\">").Append(H(message)).Append("</p>");
        }

        b.Append("<h1>Kiosks <small id=\"summary\">").Append(H(Summary(rows))).Append("</small></h1>");
        b.Append("<table class=\"kiosks\" id=\"kiosks\"><thead><tr><th>Kiosk</th><th>State</th><th>Problems</th><th>Last seen</th><th>Color data age</th><th>PASS/h</th><th>REFER/h</th><th>REFER by reason</th></tr></thead><tbody id=\"kiosk-rows\">");
        b.Append(TableBody(rows, now)).Append("</tbody></table>");
        b.Append("<h2>Alerts</h2><ul class=\"alerts\" id=\"alerts\">").Append(AlertItems(alerts)).Append("</ul>");
        var sites = rows.Select(r => r.Row.Site).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (isOperator && sites.Length > 0)
        {
            var options = string.Concat(sites.Select(s => $"<option>{H(s)}</option>"));
            b.Append("<h2>Site-wide</h2><div class=\"panels\">");
            b.Append("<form method=\"post\" action=\"/site/command\" data-confirm=\"Send this command to every kiosk of the site?\">").Append(Token(token))
                .Append("<input type=\"hidden\" name=\"confirm\" value=\"\"><label>Site <select name=\"site\">").Append(options).Append("</select></label>")
                .Append("<label>Command <select name=\"command\"><option>ping</option><option>selftest</option><option>resync</option><option>restart</option><option>open-gate</option></select></label><button>Send to the site</button></form>");
            b.Append("<form method=\"post\" action=\"/site/config\">").Append(Token(token)).Append("<label>Site <select name=\"site\">").Append(options).Append("</select></label>")
                .Append("<label>Settings, one Section:Key=Value a line<textarea name=\"settings\" rows=\"3\"></textarea></label><button>Configure the site</button></form></div>");
        }

        b.Append("<h2>Audit trail</h2><table class=\"audit\" id=\"audit\"><thead><tr><th>When (UTC)</th><th>Who</th><th>What</th><th>Target</th><th>Outcome</th></tr></thead><tbody>");
        foreach (var entry in audit)
        {
            b.Append("<tr><td>").Append(Time(entry.At)).Append("</td><td>").Append(H(entry.User)).Append("</td><td>").Append(H(entry.Action)).Append("</td><td>").Append(H(entry.Target)).Append("</td><td>").Append(H(entry.Outcome)).Append("</td></tr>");
        }

        b.Append("</tbody></table>");
        return b.ToString();
    }

    /// <summary><c>21 kiosks: 18 online, 2 degraded, 1 lost</c>.</summary>
    public static string Summary(IReadOnlyList<LiveRow> rows) => FleetStatusTable.Summary(rows.Select(r => r.Row).ToArray());

    /// <summary>The table's rows (worst first).</summary>
    public static string TableBody(IReadOnlyList<LiveRow> rows, DateTimeOffset now)
    {
        if (rows.Count == 0)
        {
            return "<tr class=\"empty\"><td colspan=\"8\">No kiosk has reported yet.</td></tr>";
        }

        var b = new StringBuilder(rows.Count * 400);
        foreach (var live in rows)
        {
            var row = live.Row;
            var link = $"/kiosk/{Uri.EscapeDataString(row.Site)}/{Uri.EscapeDataString(row.KioskId)}";
            b.Append("<tr data-kiosk=\"").Append(H(row.Name)).Append("\" data-state=\"").Append(H(row.State)).Append("\"><td><a href=\"").Append(H(link)).Append("\">").Append(H(row.Name)).Append("</a></td>");
            b.Append("<td class=\"state ").Append(H(row.State)).Append("\">").Append(H(row.State)).Append("</td>");
            b.Append("<td>").Append(row.Problems.Count == 0 ? "-" : H(string.Join(", ", row.Problems))).Append("</td>");
            b.Append("<td>").Append(row.LastSeen is { } seen ? H(FleetStatusTable.Duration(now - seen) + " ago") : "-").Append("</td>");
            b.Append("<td>").Append(row.ColorDataAge(now) is { } age ? H(FleetStatusTable.Duration(age)) : "never").Append("</td>");
            b.Append("<td class=\"n\">").Append(live.Pass.ToString(Invariant)).Append("</td><td class=\"n\">").Append(live.Refer.ToString(Invariant)).Append("</td>");
            b.Append("<td>").Append(H(live.Reasons)).Append("</td></tr>");
        }

        return b.ToString();
    }

    /// <summary>The alerts list, newest first.</summary>
    internal static string AlertItems(IReadOnlyList<WatchedAlert> alerts)
    {
        if (alerts.Count == 0)
        {
            return "<li class=\"empty\">No alert since the console started.</li>";
        }

        var b = new StringBuilder();
        foreach (var alert in alerts)
        {
            b.Append("<li class=\"").Append(alert.Active ? "raised" : "cleared").Append("\"><time>").Append(Time(alert.At)).Append("</time> <b>").Append(H(alert.Kiosk)).Append("</b> ")
                .Append(H(alert.Kind)).Append(alert.Active ? " raised" : " cleared").Append(alert.Detail.Length > 0 ? " · " + H(alert.Detail) : string.Empty).Append("</li>");
        }

        return b.ToString();
    }

    /// <summary>A kiosk's page.</summary>
    public static string Kiosk(LiveRow live, FleetActions actions, FleetHistory history, DateTimeOffset now, bool isOperator, string? token, string? message)
    {
        var row = live.Row;
        var path = $"/kiosk/{Uri.EscapeDataString(row.Site)}/{Uri.EscapeDataString(row.KioskId)}";
        var b = new StringBuilder();
        b.Append("<p><a href=\"/\">← all kiosks</a></p><h1>").Append(H(row.Name)).Append(" <span class=\"state ").Append(H(row.State)).Append("\" id=\"kiosk-state\">").Append(H(row.State)).Append("</span></h1>");
        if (message is not null)
        {
            b.Append("<p class=\"message\" id=\"message\">").Append(H(message)).Append("</p>");
        }

        b.Append("<h2>Status</h2><table class=\"fields\" id=\"status\">");
        Field(b, "Problems", row.Problems.Count == 0 ? "-" : string.Join(", ", row.Problems));
        Field(b, "Version", row.Version ?? "-");
        Field(b, "Boot id", row.BootId ?? "-");
        Field(b, "Color feed", row.Feed ?? "-");
        Field(b, "Color data seq", row.Seq?.ToString(Invariant) ?? "-");
        Field(b, "Color data age", row.ColorDataAge(now) is { } age ? FleetStatusTable.Duration(age) : "never");
        Field(b, "Last seen", row.LastSeen is { } seen ? FleetStatusTable.Duration(now - seen) + " ago" : "-");
        Field(b, "Devices", $"thermometer {row.Thermometer}, camera {row.Camera}, card reader {row.Reader}");
        Field(b, "Last hour", $"PASS {live.Pass}, REFER {live.Refer} ({live.Reasons})");
        b.Append("</table>");

        b.Append("<h2>Telemetry, last 24 h</h2><div class=\"charts\">");
        foreach (var metric in FleetHistory.Metrics)
        {
            b.Append(Chart(metric, history.Series(row.Name, metric, now - TimeSpan.FromHours(24)), now));
        }

        b.Append("</div><h2>Screen</h2>");
        b.Append("<form method=\"post\" action=\"").Append(path).Append("/screenshot\">").Append(Token(token)).Append("<button id=\"take-screenshot\"").Append(row.IsConnected ? string.Empty : " disabled").Append(">Take a screenshot</button></form>");
        if (actions.Screenshot(row.Name) is { } shot)
        {
            b.Append("<figure><img id=\"screenshot\" alt=\"the kiosk's screen\" src=\"").Append(path).Append("/screenshot.png?at=").Append(shot.At.ToUnixTimeMilliseconds().ToString(Invariant)).Append("\"><figcaption>taken ").Append(Time(shot.At)).Append(" UTC</figcaption></figure>");
        }

        b.Append("<h2>Self-test</h2><form method=\"post\" action=\"").Append(path).Append("/selftest\">").Append(Token(token)).Append("<button id=\"run-selftest\"").Append(row.IsConnected ? string.Empty : " disabled").Append(">Run the self-test</button></form>");
        if (actions.SelfTest(row.Name) is { } test)
        {
            b.Append("<table class=\"selftest\" id=\"selftest\"><caption>").Append(Time(test.At)).Append(" UTC").Append(test.Error is null ? string.Empty : " · " + H(test.Error)).Append("</caption><thead><tr><th>Device</th><th>Result</th><th>Verdict</th></tr></thead><tbody>");
            foreach (var (device, result) in test.Devices)
            {
                var ok = result.StartsWith("ok", StringComparison.OrdinalIgnoreCase);
                b.Append("<tr><td>").Append(H(device)).Append("</td><td>").Append(H(result)).Append("</td><td class=\"").Append(ok ? "ok" : "bad").Append("\">").Append(ok ? "working" : "needs attention").Append("</td></tr>");
            }

            b.Append("</tbody></table>");
        }

        b.Append("<h2>Configuration</h2>");
        if (actions.Configuration(row.Name) is { } config)
        {
            b.Append("<table class=\"config\" id=\"config\"><caption>version ").Append(config.Version.ToString(Invariant)).Append(": ").Append(H(config.Status)).Append("</caption><thead><tr><th>Key</th><th>Value</th><th>Outcome</th><th>Why</th></tr></thead><tbody>");
            foreach (var key in config.Keys)
            {
                var outcome = key.Accepted ? "accepted" : config.Status == "timeout" ? "unconfirmed" : "rejected";
                b.Append("<tr data-key=\"").Append(H(key.Key)).Append("\" data-outcome=\"").Append(outcome).Append("\"><td>").Append(H(key.Key)).Append("</td><td>").Append(H(key.Value ?? "(unset)")).Append("</td><td class=\"").Append(outcome).Append("\">").Append(outcome).Append("</td><td>").Append(H(key.Reason ?? string.Empty)).Append("</td></tr>");
            }

            b.Append("</tbody></table>");
        }

        if (!isOperator)
        {
            b.Append("<p class=\"note\" id=\"viewer-note\">Signed in as a viewer: opening the gate, restarting and configuration are for operators.</p>");
            return b.ToString();
        }

        b.Append("<form method=\"post\" action=\"").Append(path).Append("/config\">").Append(Token(token))
            .Append("<label>Settings, one Section:Key=Value a line (Section:Key= alone returns a key to the kiosk's own value)<textarea name=\"settings\" id=\"settings\" rows=\"3\"></textarea></label><button id=\"apply-config\">Apply</button></form>");
        b.Append("<h2>Commands</h2><div class=\"panels\">");
        b.Append("<form method=\"post\" action=\"").Append(path).Append("/command\" data-confirm=\"Open the gate of ").Append(H(row.Name)).Append(" now?\">").Append(Token(token))
            .Append("<input type=\"hidden\" name=\"command\" value=\"open-gate\"><input type=\"hidden\" name=\"confirm\" value=\"\"><button id=\"open-gate\"").Append(row.IsConnected ? string.Empty : " disabled").Append(">Open the gate</button></form>");
        b.Append("<form method=\"post\" action=\"").Append(path).Append("/command\" data-confirm=\"Restart ").Append(H(row.Name)).Append("?\">").Append(Token(token))
            .Append("<input type=\"hidden\" name=\"command\" value=\"restart\"><input type=\"hidden\" name=\"confirm\" value=\"\"><button id=\"restart\"").Append(row.IsConnected ? string.Empty : " disabled").Append(">Restart</button></form>");
        b.Append("<form method=\"post\" action=\"").Append(path).Append("/command\">").Append(Token(token))
            .Append("<input type=\"hidden\" name=\"command\" value=\"resync\"><button id=\"resync\"").Append(row.IsConnected ? string.Empty : " disabled").Append(">Resync color data</button></form>");
        b.Append("<form method=\"post\" action=\"").Append(path).Append("/decommission\" data-confirm=\"Decommission ").Append(H(row.Name)).Append(": clear its retained status, configuration and Home Assistant entities?\">").Append(Token(token))
            .Append("<input type=\"hidden\" name=\"confirm\" value=\"\"><button id=\"decommission\"").Append(row.IsConnected ? " disabled title=\"stop the kiosk first\"" : string.Empty).Append(">Decommission</button></form></div>");
        return b.ToString();
    }

    /// <summary>A small inline SVG line chart of one metric.</summary>
    public static string Chart(string metric, IReadOnlyList<(DateTimeOffset At, double Value)> points, DateTimeOffset now)
    {
        const int width = 360, height = 90;
        var b = new StringBuilder();
        b.Append("<figure class=\"chart\" data-metric=\"").Append(H(metric)).Append("\"><figcaption>").Append(H(metric));
        if (points.Count == 0)
        {
            return b.Append(": no data yet</figcaption></figure>").ToString();
        }

        var min = Math.Min(0, points.Min(p => p.Value));
        var max = Math.Max(min + 1e-9, points.Max(p => p.Value));
        var from = now - TimeSpan.FromHours(24);
        b.Append(": latest ").Append(points[^1].Value.ToString("0.#", Invariant)).Append(", max ").Append(max.ToString("0.#", Invariant)).Append("</figcaption>");
        b.Append("<svg viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" width=\"").Append(width).Append("\" height=\"").Append(height).Append("\" role=\"img\"><polyline fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\" points=\"");
        foreach (var (at, value) in points)
        {
            var x = (at - from).TotalHours / 24 * width;
            var y = height - 4 - ((value - min) / (max - min) * (height - 8));
            b.Append(x.ToString("0.#", Invariant)).Append(',').Append(y.ToString("0.#", Invariant)).Append(' ');
        }

        b.Append("\"/>");
        foreach (var (at, value) in points.Count <= 3 ? points : [points[^1]])
        {
            var x = (at - from).TotalHours / 24 * width;
            var y = height - 4 - ((value - min) / (max - min) * (height - 8));
            b.Append("<circle r=\"2.5\" fill=\"currentColor\" cx=\"").Append(x.ToString("0.#", Invariant)).Append("\" cy=\"").Append(y.ToString("0.#", Invariant)).Append("\"/>");
        }

        return b.Append("</svg></figure>").ToString();
    }

    private static void Field(StringBuilder b, string name, string value) => b.Append("<tr><th>").Append(H(name)).Append("</th><td>").Append(H(value)).Append("</td></tr>");

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", Invariant);
}
