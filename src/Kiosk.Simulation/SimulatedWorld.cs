using Kiosk.Core;
using Kiosk.Core.Checkpoint;
using Kiosk.Devices.Outputs;
using Kiosk.Devices.Temperature;
using Kiosk.Drivers.Camera;
using Kiosk.Drivers.Gpio;
using Kiosk.Drivers.IdCard;
using Kiosk.Drivers.QrDecoding;
using SkiaSharp;

namespace Kiosk.Simulation;

/// <summary>
/// The scenario's visitors acting on the simulated hardware: a phone in front of the simulated camera, a forehead
/// in front of the emulated MLX90614, a finger on the simulated assist button, a card on the emulated SAM module's
/// reader (byte level). Everything above is production code.
/// </summary>
/// <remarks>
/// The world's own background work (the hand adjusting the phone, the finger leaving the button) runs under a token
/// that <see cref="Dispose"/> cancels, and its failure is not lost: the next call into the world throws it.
/// </remarks>
/// <param name="camera">The simulated camera.</param>
/// <param name="thermometer">The emulated MLX90614's scene.</param>
/// <param name="gpio">The simulated GPIO driver.</param>
/// <param name="gpioOptions">Pins.</param>
/// <param name="time">The simulation's clock.</param>
/// <param name="cardReader">The emulated SAM module; null when the kiosk has no reader (a card then lies unread).</param>
public sealed class SimulatedWorld(SimulatedCamera camera, ThermometerScene thermometer, SimulatedGpioDriver gpio, GpioOptions gpioOptions, TimeProvider time, SamModuleEmulator? cardReader = null) : ISimulatedWorld, IDisposable
{
    private readonly CancellationTokenSource _disposed = new();
    private CancellationTokenSource? _holding;
    private Exception? _fault;

    /// <remarks>
    /// A dense code (a PS256 code is over 500 characters, a QR of about 100 modules) is held closer: at the default
    /// distance its modules are barely 3 pixels.
    /// </remarks>
    public void ShowQrText(string text, int seed, bool startsFar = false)
    {
        ThrowIfFaulted();
        var style = text.Length > 350 ? SceneStyle.Default with { CodeFraction = 0.65 } : SceneStyle.Default;
        if (startsFar)
        {
            var far = FarModulePixels * SimulatedSceneRenderer.SideInModules(text) / camera.Height;
            HoldFar(s => new SimulatedScene.QrText(text, s), style, far, seed);
        }
        else
        {
            Hold(s => new SimulatedScene.QrText(text, s), style, seed);
        }
    }

    /// <summary>
    /// How far a visitor who starts too far holds the code: this many camera pixels per module, out of the fixed-focus
    /// lens's depth of field (<see cref="FarBlur"/>). Its finder patterns show (the pipeline's harder paths find them);
    /// its modules are blurred past reading.
    /// </summary>
    public const double FarModulePixels = 3.0;

    /// <summary>The defocus of a code held too far (Gaussian sigma in camera pixels).</summary>
    public const double FarBlur = 1.5;

    /// <summary>The chance per second that a visitor holding the code too far moves closer on their own.</summary>
    public const double OwnPacePerSecond = 0.15;

    /// <summary>How long a visitor holding the code too far takes to move closer once the screen asks them to.</summary>
    public static TimeSpan ReactionTime { get; } = TimeSpan.FromSeconds(0.7);

    /// <summary>How often the hand holding the code too far trembles (a new frame for the camera).</summary>
    public static TimeSpan TremorPeriod { get; } = TimeSpan.FromSeconds(0.2);

    /// <summary>
    /// The visitor sees a screen (the composition calls this on every screen shown): a visitor holding the code too far
    /// reacts to the aiming help (<see cref="PromptKind.Aiming"/>) by moving closer after <see cref="ReactionTime"/>.
    /// </summary>
    public void SeeScreen(PromptKind kind)
    {
        if (kind == PromptKind.Aiming && _far is { } far && !far.Asked)
        {
            far.Asked = true;
            far.AskedAt = time.GetUtcNow();
        }
    }

    private FarHold? _far;

    /// <summary>What a visitor holding the code too far has seen: whether, and when, the screen asked them to come closer.</summary>
    private sealed class FarHold
    {
        public bool Asked { get; set; }

        public DateTimeOffset AskedAt { get; set; }
    }

    /// <summary>
    /// The visitor who starts too far (<paramref name="farFraction"/> of the frame's height, <see cref="FarModulePixels"/>
    /// per module, out of focus: its finder patterns show, its modules cannot be read), the hand trembling a little every
    /// <see cref="TremorPeriod"/>. Each second they may move closer on their own (<see cref="OwnPacePerSecond"/>);
    /// asked by the screen (<see cref="SeeScreen"/>), they do so after <see cref="ReactionTime"/>. Closer, they hold the
    /// code as every visitor does (<see cref="Hold"/>). Deterministic per visitor seed.
    /// </summary>
    private void HoldFar(Func<SceneStyle, SimulatedScene> scene, SceneStyle near, double farFraction, int seed)
    {
        StopHolding();
        var holding = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        _holding = holding;
        var far = new FarHold();
        _far = far;
        var initial = near with { CodeFraction = farFraction, Blur = FarBlur };
        camera.Show(scene(initial));
        Observe(ApproachAsync(holding.Token));

        async Task ApproachAsync(CancellationToken cancellationToken)
        {
            var random = new Random(seed * 7919 + 17);
            var ticksPerSecond = (int)Math.Round(TimeSpan.FromSeconds(1) / TremorPeriod);
            for (var tick = 1; !cancellationToken.IsCancellationRequested; tick++)
            {
                try
                {
                    await Task.Delay(TremorPeriod, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var ownPace = tick % ticksPerSecond == 0 && random.NextDouble() < OwnPacePerSecond;
                var reacted = far.Asked && time.GetUtcNow() - far.AskedAt >= ReactionTime;
                if (ownPace || reacted)
                {
                    _far = null;
                    Hold(scene, near, seed);
                    return;
                }

                camera.Show(scene(initial with
                {
                    RotationDegrees = initial.RotationDegrees + (random.NextDouble() * 2 - 1),
                    OffsetX = random.NextDouble() * 0.01 - 0.005,
                    OffsetY = random.NextDouble() * 0.01 - 0.005,
                    Seed = initial.Seed + tick,
                }));
            }
        }
    }

    public void ShowQrImage(byte[] encodedImage, int seed)
    {
        ThrowIfFaulted();
        SKBitmap bitmap;
        try
        {
            bitmap = LumaImage.DecodeBitmap(encodedImage);
        }
        catch (InvalidDataException ex)
        {
            throw new KioskInputException($"a visitor's qrImage: {ex.Message}");
        }

        Hold(s => new SimulatedScene.Image(bitmap, s), SceneStyle.Default, seed);
    }

    public void ClearCamera()
    {
        ThrowIfFaulted();
        StopHolding();
        camera.Show(new SimulatedScene.Empty(Motion: false));
    }

    /// <summary>How long a visitor waits for the kiosk to react before moving the phone.</summary>
    public static TimeSpan AdjustAfter { get; } = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The visitor holds the phone up in the default pose and, while the kiosk does not react (the player clears
    /// the camera once the visitor is decided), moves it a little every <see cref="AdjustAfter"/>: nearer, turned
    /// a few degrees, as people do at a door. A still simulated frame that one decoder pass cannot read (a code whose
    /// modules alias on the sensor grid at that exact angle) is therefore not read forever, which no real hand does.
    /// The moves are deterministic per visitor seed.
    /// </summary>
    private void Hold(Func<SceneStyle, SimulatedScene> scene, SceneStyle initial, int seed)
    {
        StopHolding();
        var holding = CancellationTokenSource.CreateLinkedTokenSource(_disposed.Token);
        _holding = holding;
        camera.Show(scene(initial));
        Observe(AdjustAsync(holding.Token));

        async Task AdjustAsync(CancellationToken cancellationToken)
        {
            var random = new Random(seed);
            for (var attempt = 1; !cancellationToken.IsCancellationRequested; attempt++)
            {
                try
                {
                    await Task.Delay(AdjustAfter, time, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                var pose = initial with
                {
                    CodeFraction = Math.Min(0.8, initial.CodeFraction * (1 + 0.05 * Math.Min(attempt, 5)) + random.NextDouble() * 0.03),
                    RotationDegrees = initial.RotationDegrees + (random.NextDouble() * 16 - 8),
                    OffsetX = random.NextDouble() * 0.1 - 0.05,
                    OffsetY = random.NextDouble() * 0.06 - 0.03,
                    Seed = initial.Seed + attempt,
                };
                camera.Show(scene(pose));
            }
        }
    }

    private void StopHolding()
    {
        _far = null;
        _holding?.Cancel();
        _holding?.Dispose();
        _holding = null;
    }

    public void SetForehead(double? coreTemperatureC, double noiseC, int seed)
    {
        ThrowIfFaulted();
        thermometer.SensorNoiseC = noiseC;
        thermometer.PutVisitor(coreTemperatureC);
    }

    /// <summary>Lays the card on the emulated module; a card with fault <c>unreadable</c> is found and selected but every read answers <c>41</c>.</summary>
    public void PlaceCard(ScenarioCard card)
    {
        ThrowIfFaulted();
        if (cardReader is null)
        {
            return;
        }

        if (card.Fault == ScenarioCardFault.Unreadable)
        {
            cardReader.Fault = SamModuleFault.UnreadableCard;
        }

        cardReader.PlaceCard(new EmulatedIdCard(card.Number, card.Name, card.Birth, card.ValidFrom, card.ValidTo) { LayoutFlag = card.Flag });
    }

    public void RemoveCard()
    {
        if (cardReader is null)
        {
            return;
        }

        cardReader.RemoveCard();
        if (cardReader.Fault == SamModuleFault.UnreadableCard)
        {
            cardReader.Fault = SamModuleFault.None;
        }
    }

    public void PressAssist()
    {
        ThrowIfFaulted();
        var pressed = gpioOptions.AssistButtonActiveLow ? System.Device.Gpio.PinValue.Low : System.Device.Gpio.PinValue.High;
        var released = gpioOptions.AssistButtonActiveLow ? System.Device.Gpio.PinValue.High : System.Device.Gpio.PinValue.Low;
        gpio.SetInput(gpioOptions.AssistButtonPin, pressed);

        // A finger stays on the button for a fifth of a second, well past the debounce time.
        Observe(ReleaseLaterAsync(_disposed.Token));

        async Task ReleaseLaterAsync(CancellationToken cancellationToken)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), time, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            gpio.SetInput(gpioOptions.AssistButtonPin, released);
        }
    }

    /// <summary>Cancels the world's background work (a hand still adjusting, a finger still on the button).</summary>
    public void Dispose()
    {
        StopHolding();
        _disposed.Cancel();
        _disposed.Dispose();
    }

    /// <summary>Keeps the first failure of background work; it runs inline where the task completes (no thread-pool hop).</summary>
    private void Observe(Task task) =>
        task.ContinueWith(
            t => Interlocked.CompareExchange(ref _fault, t.Exception!.GetBaseException(), null),
            CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);

    private void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _fault) is { } fault)
        {
            throw new InvalidOperationException($"The simulated world's background work failed: {fault.Message}", fault);
        }
    }
}
