using System.Globalization;
using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Display;
using Kiosk.Display.Rendering;
using Kiosk.Display.Sinks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SkiaSharp;

namespace Kiosk.Devices.Screen;

/// <summary>
/// The kiosk's <see cref="IScreen"/>: draws each prompt as its screen (<see cref="ScreenPrompts"/>) with
/// <see cref="ScreenRenderer"/> and hands the frame to every configured sink. A failing sink raises
/// <c>display_fault</c> (the others keep showing, the checkpoint keeps working) and the alert clears when every sink
/// works again. Never throws.
/// </summary>
/// <remarks>
/// Show renders on the caller's thread (a few ms at 800×480). Captures — <see cref="CapturePng"/> for the fleet
/// <c>screenshot</c> command and the <see cref="DisplayOptions.ScreensDirectory"/> files — replace the masked name with
/// "***" unless <see cref="DisplayOptions.CapturesShowName"/> is set, because they leave the kiosk.
/// </remarks>
public sealed partial class ScreenPresenter : IScreen, IDisposable
{
    /// <summary>What a capture shows instead of the masked name.</summary>
    public const string RedactedName = "***";

    private readonly object _gate = new();
    private readonly DisplayOptions _options;
    private readonly IReadOnlyList<IFrameSink> _sinks;
    private readonly IAlerts _alerts;
    private readonly ILogger<ScreenPresenter> _logger;
    private readonly ScreenRenderer _renderer;
    private bool _faulted;
    private int _shown;
    private VisitorPrompt? _current;
    private ScreenModel? _currentModel;
    private ScreenLanguage _language;
    private VisitorPrompt? _notice;
    private VisitorPrompt? _underNotice;
    private ITimer? _noticeTimer;
    private IDisposable? _changes;

    /// <param name="options">Section <c>Display</c>.</param>
    /// <param name="sinks">Where frames go (<see cref="DisplaySinks.Open"/>); the presenter disposes them.</param>
    /// <param name="alerts">Where <c>display_fault</c> goes.</param>
    /// <param name="logger">Logger.</param>
    public ScreenPresenter(IOptions<DisplayOptions> options, IReadOnlyList<IFrameSink> sinks, IAlerts alerts, ILogger<ScreenPresenter> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _language = _options.ScreenLanguage;
        _sinks = sinks;
        _alerts = alerts;
        _logger = logger;
        _renderer = new ScreenRenderer(_options.Width, _options.Height);
    }

    /// <summary>
    /// A presenter that follows <c>Display:Language</c> at run time (the fleet's remote configuration): when it
    /// changes, the screen now shown is drawn again in the new language at once, not at the next visitor. The frame size
    /// and the sinks are the ones at start.
    /// </summary>
    /// <param name="options">Section <c>Display</c>, as it changes.</param>
    /// <param name="sinks">Where frames go; the presenter disposes them.</param>
    /// <param name="alerts">Where <c>display_fault</c> goes.</param>
    /// <param name="logger">Logger.</param>
    public ScreenPresenter(IOptionsMonitor<DisplayOptions> options, IReadOnlyList<IFrameSink> sinks, IAlerts alerts, ILogger<ScreenPresenter> logger)
        : this(Options.Create(options.CurrentValue), sinks, alerts, logger)
    {
        _changes = options.OnChange(changed => LanguageChanged(changed.ScreenLanguage));
    }

    /// <summary>The prompt now shown (the self-test shows it again; the fleet screenshot captures its screen).</summary>
    public VisitorPrompt? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>Screens shown since start.</summary>
    public int ShownCount => Volatile.Read(ref _shown);

    /// <summary>Raised after each <see cref="Show"/>, outside the presenter's lock, with the prompt shown, whether or not
    /// every sink worked (the voice speaks it). Handlers must return at once and not throw.</summary>
    public event Action<VisitorPrompt>? Shown;

    /// <summary>The sinks frames go to.</summary>
    public IReadOnlyList<IFrameSink> Sinks => _sinks;

    /// <summary>
    /// Draws the prompt as its screen (<see cref="ScreenPrompts"/>, in the language of <c>Display:Language</c>) on every
    /// sink and tells <see cref="Shown"/>.
    /// </summary>
    public void Show(VisitorPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (_gate)
        {
            EndNotice();
            Present(prompt);
        }

        Shown?.Invoke(prompt);
    }

    /// <summary>
    /// Draws the prompt now shown again with fresh state (strip, link, data age); not announced again. While a notice
    /// is up it stays; the prompt is what the screen returns to.
    /// </summary>
    public void Redraw(VisitorPrompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        lock (_gate)
        {
            if (_notice is not null)
            {
                _underNotice = prompt;
                return;
            }

            Present(prompt);
        }
    }

    /// <summary>
    /// Shows <paramref name="notice"/> (the assist button's "staff have been notified") over the screen for
    /// <paramref name="duration"/>, announced like any screen, then draws the screen under it again (not announced).
    /// A screen shown meanwhile (a visitor) ends the notice at once.
    /// </summary>
    public void ShowNotice(VisitorPrompt notice, TimeSpan duration, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(time);
        lock (_gate)
        {
            var under = _notice is not null ? _underNotice : _current;
            EndNotice();
            _notice = notice;
            _underNotice = under;
            _noticeTimer = time.CreateTimer(_ => NoticeElapsed(notice), null, duration, Timeout.InfiniteTimeSpan);
            Present(notice);
        }

        Shown?.Invoke(notice);
    }

    /// <summary>
    /// The assist button was pressed: 已通知工作人员 "Staff have been notified" for <c>Display:AssistNoticeSeconds</c>
    /// (and said), with the strip of the screen now shown, then that screen again.
    /// </summary>
    public void ShowAssist(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        StatusLine status;
        lock (_gate)
        {
            status = (_underNotice ?? _current)?.Status ?? new StatusLine(time.GetUtcNow(), Online: false, ColorDataAge: null, KioskId: string.Empty);
        }

        ShowNotice(new VisitorPrompt(PromptKind.Assist, status), TimeSpan.FromSeconds(_options.AssistNoticeSeconds), time);
    }

    /// <summary>A notice is up (<see cref="ShowNotice"/>).</summary>
    public bool NoticeShown
    {
        get
        {
            lock (_gate)
            {
                return _notice is not null;
            }
        }
    }

    private void NoticeElapsed(VisitorPrompt notice)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_notice, notice))
            {
                return;
            }

            var under = _underNotice;
            EndNotice();
            if (under is not null)
            {
                Present(under);
            }
        }
    }

    /// <summary>Ends the notice up, if any (under the lock).</summary>
    private void EndNotice()
    {
        _noticeTimer?.Dispose();
        _noticeTimer = null;
        _notice = null;
        _underNotice = null;
    }

    /// <summary>The languages the screens are drawn in now (<c>Display:Language</c>).</summary>
    public ScreenLanguage Language
    {
        get
        {
            lock (_gate)
            {
                return _language;
            }
        }
    }

    /// <summary><c>Display:Language</c> changed: the screen now shown is drawn again in it.</summary>
    private void LanguageChanged(ScreenLanguage language)
    {
        VisitorPrompt? current;
        lock (_gate)
        {
            if (language == _language)
            {
                return;
            }

            _language = language;
            current = _current;
        }

        LogLanguageChanged(_logger, language.ToString());
        if (current is not null)
        {
            Present(current);
        }
    }

    private void Present(VisitorPrompt prompt)
    {
        lock (_gate)
        {
            Present(prompt, ScreenPrompts.ToModel(prompt, _language, _options.ShowTemperature));
        }
    }

    private void Present(VisitorPrompt prompt, ScreenModel effective)
    {
        lock (_gate)
        {
            _current = prompt;
            _currentModel = effective;
            var number = ++_shown;
            if (_sinks.Count == 0 && string.IsNullOrWhiteSpace(_options.ScreensDirectory))
            {
                // Nowhere to show the frame (no panel, no PNG file, no screens directory: a scenario without
                // --screens): nothing is drawn. A capture (the fleet screenshot) draws the screen on demand.
                ReportFailures([]);
                return;
            }

            var failures = new List<string>();
            SKBitmap frame;
            try
            {
                frame = _renderer.Render(effective);
            }
            catch (Exception ex)
            {
                LogRenderFailed(_logger, ScreenNames.Of(prompt.Kind), ex.Message);
                ReportFailures([$"render: {OneLine.Of(ex.Message)}"]);
                return;
            }

            foreach (var sink in _sinks)
            {
                try
                {
                    sink.Present(frame);
                }
                catch (Exception ex)
                {
                    LogSinkFailed(_logger, sink.Name, ex.Message);
                    failures.Add($"{sink.Name}: {OneLine.Of(ex.Message)}");
                }
            }

            if (!string.IsNullOrWhiteSpace(_options.ScreensDirectory))
            {
                try
                {
                    SaveScreen(effective, CaptureModel(prompt), ScreenFileName(number, prompt.Kind), frame);
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    LogSinkFailed(_logger, "screens", ex.Message);
                    failures.Add($"screens:{_options.ScreensDirectory}: {OneLine.Of(ex.Message)}");
                }
            }

            ReportFailures(failures);
        }
    }

    /// <summary>The screen now shown as PNG (for the fleet <c>screenshot</c> command); null before the first screen.</summary>
    public byte[]? CapturePng()
    {
        lock (_gate)
        {
            if (_current is null || _currentModel is null)
            {
                return null;
            }

            try
            {
                return _renderer.RenderPng(ForCapture(CaptureModel(_current)));
            }
            catch (Exception ex)
            {
                LogRenderFailed(_logger, ScreenNames.Of(_current.Kind), ex.Message);
                return null;
            }
        }
    }

    /// <summary>The file name of the n-th shown screen, e.g. <c>0001-pass.png</c>.</summary>
    public static string ScreenFileName(int number, PromptKind kind) =>
        string.Create(CultureInfo.InvariantCulture, $"{number:0000}-{ScreenNames.Of(kind)}.png");

    private ScreenModel ForCapture(ScreenModel model) =>
        _options.CapturesShowName || string.IsNullOrEmpty(model.MaskedName) ? model : model with { MaskedName = RedactedName };

    /// <summary>What a capture shows of a prompt: the screen without the temperature measured (it leaves the kiosk).</summary>
    private ScreenModel CaptureModel(VisitorPrompt prompt) => ScreenPrompts.ToModel(prompt with { TemperatureC = null }, _language, showTemperature: false);

    private void SaveScreen(ScreenModel shownModel, ScreenModel model, string fileName, SKBitmap shown)
    {
        Directory.CreateDirectory(_options.ScreensDirectory!);
        var path = Path.Combine(_options.ScreensDirectory!, fileName);
        var capture = ForCapture(model);
        if (ReferenceEquals(capture, model) && shownModel.Lines.Count == model.Lines.Count)
        {
            using var data = shown.Encode(SKEncodedImageFormat.Png, 100);
            using var file = File.Create(path);
            data.SaveTo(file);
        }
        else
        {
            var png = _renderer.RenderPng(capture);
            File.WriteAllBytes(path, png);
        }
    }

    private void ReportFailures(List<string> failures)
    {
        if (failures.Count > 0)
        {
            _faulted = true;
            _alerts.Raise(AlertKinds.DisplayFault, string.Join("; ", failures));
        }
        else if (_faulted)
        {
            _faulted = false;
            LogRecovered(_logger);
            _alerts.Clear(AlertKinds.DisplayFault);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        lock (_gate)
        {
            _changes?.Dispose();
            _changes = null;
            EndNotice();
            foreach (var sink in _sinks)
            {
                sink.Dispose();
            }

            _renderer.Dispose();
        }
    }

    [LoggerMessage(EventId = 4111, Level = LogLevel.Error, Message = "Display sink {Sink} failed: {Reason}")]
    private static partial void LogSinkFailed(ILogger logger, string sink, string reason);

    [LoggerMessage(EventId = 4112, Level = LogLevel.Error, Message = "Rendering the {Screen} screen failed: {Reason}")]
    private static partial void LogRenderFailed(ILogger logger, string screen, string reason);

    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "Display language changed to {Language}: the screen is drawn again")]
    private static partial void LogLanguageChanged(ILogger logger, string language);

    [LoggerMessage(EventId = 4113, Level = LogLevel.Information, Message = "Display sinks recovered")]
    private static partial void LogRecovered(ILogger logger);
}
