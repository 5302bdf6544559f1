using System.Runtime.CompilerServices;

namespace Kiosk.Drivers.Camera;

/// <summary>
/// The simulated camera: renders whatever scene it is shown (<see cref="Show"/>) at the configured frame rate,
/// paced on the injected <see cref="TimeProvider"/> so it runs in virtual time. A frame is drawn only when the scene
/// changed; while it stays the same the camera delivers the same pixels again, marked <see cref="LumaFrame.Repeat"/>
/// (unless <see cref="FreshNoiseEveryFrame"/>). Faults can be injected:
/// <see cref="Vanish"/> makes reads throw <see cref="CameraFaultException"/> until <see cref="Reconnect"/>;
/// <see cref="Stall"/> stops frames without an error (detected by frame age upstream).
/// </summary>
public sealed class SimulatedCamera : IFrameSource
{
    private const int PoolSize = 3;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _period;
    private readonly SimulatedSceneRenderer _renderer;
    private readonly byte[][] _pool;
    private volatile SimulatedScene _scene = new SimulatedScene.Empty(false);
    private volatile bool _vanished;
    private volatile bool _stalled;
    private long _sequence;

    /// <summary>A camera of the configured size and frame rate.</summary>
    public SimulatedCamera(CameraOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _period = options.FramePeriod;
        _renderer = new SimulatedSceneRenderer(options.Width, options.Height);
        _pool = Enumerable.Range(0, PoolSize).Select(_ => new byte[options.Width * options.Height]).ToArray();
        FreshNoiseEveryFrame = options.SimulatedFreshNoise;
    }

    /// <inheritdoc />
    public string Name => "simulated";

    /// <summary>Frame height in pixels.</summary>
    public int Height => _renderer.Height;

    /// <summary>The scene now in front of the camera.</summary>
    public SimulatedScene Scene => _scene;

    /// <summary>Frames delivered so far.</summary>
    public long FramesDelivered => Interlocked.Read(ref _sequence);

    /// <summary>Puts <paramref name="scene"/> in front of the camera from the next frame on.</summary>
    public void Show(SimulatedScene scene) => _scene = scene ?? throw new ArgumentNullException(nameof(scene));

    /// <summary>
    /// Draw every frame with its own sensor noise, as a real sensor gives (and as this camera did before it drew only
    /// changed scenes): a still scene is then never a <see cref="LumaFrame.Repeat"/>. For benchmarks of the older path
    /// and tests of the motion gate; slow (a full-frame pass per frame).
    /// </summary>
    public bool FreshNoiseEveryFrame { get; set; }

    /// <summary>Fault injection: the device disappears; reads throw <see cref="CameraFaultException"/>.</summary>
    public void Vanish() => _vanished = true;

    /// <summary>Fault injection: the device is back.</summary>
    public void Reconnect() => _vanished = false;

    /// <summary>Fault injection: frames stop coming (or resume), without any error.</summary>
    public void Stall(bool stalled = true) => _stalled = stalled;

    /// <summary>
    /// Renders <paramref name="scene"/> ahead of time, so that a following <see cref="Show"/> of the same scene costs
    /// the simulator nothing: benchmarks time the kiosk, not the simulator's drawing.
    /// </summary>
    public void Prepare(SimulatedScene scene)
    {
        ArgumentNullException.ThrowIfNull(scene);
        var scratch = new byte[_renderer.Width * _renderer.Height];
        lock (_renderer)
        {
            _renderer.Render(scene, 0, scratch);
        }
    }

    /// <summary>Renders one frame of the current scene now, outside the paced stream (for tests and benchmarks).</summary>
    public LumaFrame Capture()
    {
        var seq = Interlocked.Increment(ref _sequence);
        var buffer = new byte[_renderer.Width * _renderer.Height];
        lock (_renderer)
        {
            _renderer.Render(_scene, seq, buffer);
        }

        return new LumaFrame(buffer, _renderer.Width, _renderer.Height, _renderer.Width, _timeProvider.GetUtcNow(), seq);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<LumaFrame> ReadFramesAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (_vanished)
        {
            throw new CameraFaultException("simulated camera: device not present");
        }

        // The last frame drawn and its scene: the same scene (by value) again is the same frame again.
        byte[]? drawn = null;
        SimulatedScene? drawnScene = null;
        while (true)
        {
            await Task.Delay(_period, _timeProvider, cancellationToken);
            if (_vanished)
            {
                throw new CameraFaultException("simulated camera: device disappeared");
            }

            if (_stalled)
            {
                continue;
            }

            var seq = Interlocked.Increment(ref _sequence);
            var scene = _scene;
            var repeat = drawn is not null && !FreshNoiseEveryFrame && scene.Equals(drawnScene) && scene is not SimulatedScene.Empty { Motion: true };
            if (!repeat)
            {
                drawn = _pool[seq % PoolSize];
                lock (_renderer)
                {
                    _renderer.Render(scene, seq, drawn);
                }

                drawnScene = scene;
            }

            yield return new LumaFrame(drawn!, _renderer.Width, _renderer.Height, _renderer.Width, _timeProvider.GetUtcNow(), seq) { Repeat = repeat };
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
