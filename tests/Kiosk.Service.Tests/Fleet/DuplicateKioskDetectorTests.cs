using System.Buffers;
using System.Text;
using Kiosk.Colors;
using Kiosk.Core.Checkpoint;
using Kiosk.Fleet;
using Kiosk.Mqtt;
using Kiosk.Service.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Kiosk.Service.Tests.Fleet;

/// <summary>
/// What a kiosk's own <c>status</c> topic tells it about another process with its id: a previous life shows at most
/// its last status and one Will; a twin keeps publishing. Only the order of what the kiosk saw counts, never the
/// other process's clock.
/// </summary>
public sealed class DuplicateKioskDetectorTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 5, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(T0);
    private readonly InMemoryAlerts _alerts = new();
    private readonly FleetIdentity _identity;
    private readonly DuplicateKioskDetector _detector;

    public DuplicateKioskDetectorTests()
    {
        _identity = new FleetIdentity(_time);
        _detector = new DuplicateKioskDetector(_identity, "kiosk-01", _alerts, _time, NullLogger<DuplicateKioskDetector>.Instance);
    }

    public void Dispose() => _detector.Dispose();

    [Fact]
    public void ARestartOverThePreviousLifesStatusAndItsLateWillRaisesNothingWhateverThePreviousClockSaid()
    {
        // The previous life ran with a clock an hour ahead of this boot's (a Pi without a clock battery starts from
        // the time it saved last): its status and Will look newer than this process, and still are not a twin.
        var previous = Guid.NewGuid();
        var connected = T0.AddMinutes(50);
        Assert.False(_detector.StatusReceived(Status(previous, "degraded", T0.AddMinutes(59)), retained: true));
        Assert.False(_detector.StatusReceived(Will(previous, connected), retained: false)); // the broker noticed it late
        Assert.False(_detector.StatusReceived(Will(previous, connected), retained: true)); // our reconnect: the same Will
        Assert.False(_detector.StatusReceived(Status(_identity.BootId, "online", T0), retained: false)); // our own
        Assert.False(_detector.StatusReceived(Status(_identity.BootId, "online", T0.AddSeconds(5)), retained: true));
        Assert.False(_detector.SessionEnded(TimeSpan.FromMinutes(30)));

        Assert.Equal(0, _detector.Evidence);
        Assert.False(_detector.Raised);
        Assert.Empty(_alerts.History);
    }

    [Fact]
    public void ARestartOverACleanStopAndAnOlderKiosksWillRaisesNothing()
    {
        Assert.False(_detector.StatusReceived(Status(Guid.NewGuid(), "offline", T0.AddMinutes(-1)), retained: true));
        Assert.False(_detector.StatusReceived(Bytes("""{"state":"lost"}"""), retained: true));
        Assert.Equal(0, _detector.Evidence);
    }

    [Fact]
    public async Task ATwinThatPublishesAgainIsFoundThoughItsClockIsADayBehind()
    {
        var twin = Guid.NewGuid();
        Assert.False(_detector.StatusReceived(Status(twin, "online", T0.AddDays(-1)), retained: true));
        Assert.True(_detector.StatusReceived(Status(twin, "online", T0.AddDays(-1).AddSeconds(4)), retained: true));

        await Poll.UntilAsync(() => _alerts.Active.Contains(AlertKinds.DuplicateKioskId), "duplicate_kiosk_id raised");
        var detail = _alerts.DetailOf(AlertKinds.DuplicateKioskId)!;
        Assert.StartsWith($"another kiosk process uses kiosk id kiosk-01: boot {twin} published a new status after this process had seen it (online at 2026-04-30T08:00:04.000Z by its clock)", detail, StringComparison.Ordinal);
        Assert.Contains($"this process is boot {_identity.BootId}", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void ATwinSeenOnlyThroughItsWillsIsFoundAtItsSecondNewWill()
    {
        // Mosquitto publishes the older twin's Will when the newer one takes the client id: all this kiosk may see
        // when it reconnects is the other's Will, with a new connectedAt each time.
        var twin = Guid.NewGuid();
        Assert.False(_detector.StatusReceived(Will(twin, T0.AddSeconds(1)), retained: true));
        Assert.False(_detector.StatusReceived(Will(twin, T0.AddSeconds(6)), retained: true)); // could still be a late Will
        Assert.True(_detector.StatusReceived(Will(twin, T0.AddSeconds(11)), retained: true));
        Assert.Equal(1, _detector.Evidence);
    }

    [Fact]
    public void AStatusFromAnotherBootArrivingLiveIsATwinAtOnce()
    {
        // Two kiosks with one kiosk id but different client ids are connected at once: each sees the other publish.
        Assert.True(_detector.StatusReceived(Status(Guid.NewGuid(), "degraded", T0), retained: false));
    }

    [Fact]
    public void RepeatedShortSessionsCountOnlyWithAnotherBootOnTheTopic()
    {
        for (var i = 0; i < 5; i++)
        {
            Assert.False(_detector.SessionEnded(TimeSpan.FromSeconds(2)));
        }

        var other = Guid.NewGuid();
        Assert.False(_detector.StatusReceived(Status(other, "online", T0), retained: true));
        Assert.False(_detector.SessionEnded(TimeSpan.FromMinutes(3))); // a long session starts the count again
        Assert.False(_detector.SessionEnded(TimeSpan.FromSeconds(2)));
        Assert.False(_detector.SessionEnded(TimeSpan.FromSeconds(1)));
        Assert.True(_detector.SessionEnded(TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task TheAlertIsClearedAfterAQuietPeriodAndEachSignKeepsItUp()
    {
        var twin = Guid.NewGuid();
        _detector.StatusReceived(Status(twin, "online", T0), retained: true);
        Assert.True(_detector.StatusReceived(Status(twin, "online", T0.AddSeconds(3)), retained: true));
        await Poll.UntilAsync(() => _alerts.Active.Contains(AlertKinds.DuplicateKioskId), "duplicate_kiosk_id raised");

        _time.Advance(DuplicateKioskDetector.QuietPeriod - TimeSpan.FromMinutes(1));
        Assert.True(_detector.StatusReceived(Status(twin, "degraded", T0.AddMinutes(4)), retained: true));
        _time.Advance(DuplicateKioskDetector.QuietPeriod - TimeSpan.FromMinutes(1));
        Assert.Contains(AlertKinds.DuplicateKioskId, _alerts.Active);

        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.DoesNotContain(AlertKinds.DuplicateKioskId, _alerts.Active);
        Assert.False(_detector.Raised);
        Assert.Equal(
            [(AlertKinds.DuplicateKioskId, AlertChange.Raised), (AlertKinds.DuplicateKioskId, AlertChange.Cleared)],
            _alerts.History.Select(a => (a.Kind, a.Change)));
        Assert.Equal("no sign of another kiosk process with kiosk id kiosk-01 for 5 min", _alerts.History[^1].Detail);
    }

    [Fact]
    public void ASessionTakenOverRaisesTheAlertNamingTheKiosk()
    {
        _detector.SessionTakenOver();
        Assert.True(_detector.Raised);
        Assert.Equal(1, _detector.Evidence);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("""{"state":"online","bootId":"not-a-guid"}""")]
    [InlineData("""{"state":"\u001b[2Jevil","bootId":"4f6c0c64-5f1d-4c44-9c0e-8a5b3f2d1e77"}""")]
    [InlineData("""{"state":"online","bootId":12}""")]
    [InlineData("""{"state":"online","bootId":"4f6c0c64-5f1d-4c44-9c0e-8a5b3f2d1e77","at":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}""")]
    public void AnythingButAStatusWithABootIdIsIgnoredWithoutThrowing(string payload)
    {
        // Each payload twice and live: a status would be a twin at the first live one.
        Assert.False(_detector.StatusReceived(Bytes(payload), retained: false));
        Assert.False(_detector.StatusReceived(Bytes(payload), retained: false));
        Assert.Equal(0, _detector.Evidence);
    }

    [Fact]
    public async Task AStatusWithAnUnreadableTimeStillCountsAndItsTextNeverReachesTheDetail()
    {
        var boot = Guid.NewGuid();
        Assert.True(_detector.StatusReceived(Bytes($$"""{"state":"online","bootId":"{{boot}}","at":"\u001b]0;evil\u0007"}"""), retained: false));
        var detail = await Poll.ForAsync(() => _alerts.DetailOf(AlertKinds.DuplicateKioskId), d => d is not null, "duplicate_kiosk_id raised");
        Assert.Equal($"another kiosk process uses kiosk id kiosk-01: boot {boot} published its status while this process was subscribed (online) (this process is boot {_identity.BootId}); two kiosks share one Kiosk:KioskId", detail);
    }

    [Fact]
    public void AHugePayloadIsNotParsed()
    {
        var huge = $$"""{"state":"online","bootId":"{{Guid.NewGuid()}}","version":"{{new string('x', 100_000)}}"}""";
        Assert.False(_detector.StatusReceived(Bytes(huge), retained: false));
    }

    private static ReadOnlySequence<byte> Status(Guid boot, string state, DateTimeOffset at) =>
        Bytes($$$"""{"state":"{{{state}}}","at":"{{{FleetJson.Timestamp(at)}}}","version":"0.1.0","bootId":"{{{boot}}}","problems":[],"colorData":{"feed":"CN-HL","seq":1,"inSyncAsOf":null}}""");

    private static ReadOnlySequence<byte> Will(Guid boot, DateTimeOffset connectedAt) =>
        Bytes($$"""{"state":"lost","version":"0.1.0","bootId":"{{boot}}","connectedAt":"{{FleetJson.Timestamp(connectedAt)}}"}""");

    private static ReadOnlySequence<byte> Bytes(string text) => new(Encoding.UTF8.GetBytes(text));
}
