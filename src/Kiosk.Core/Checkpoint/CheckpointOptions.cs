using System.ComponentModel.DataAnnotations;

namespace Kiosk.Core.Checkpoint;

/// <summary>Section <c>Checkpoint</c>: the policy's tunables and the screen holds. Changeable at run time.</summary>
public sealed class CheckpointOptions
{
    public const string Section = "Checkpoint";

    /// <summary>PASS returns to idle after this hold.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "00:01:00")]
    public TimeSpan PassHold { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>REFER returns to idle after this hold, or when the next code arrives.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan ReferHold { get; set; } = TimeSpan.FromSeconds(8);

    /// <summary>A code absent from the camera this long has left the view: shown again, it is decided again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.1", "00:00:30")]
    public TimeSpan GoneAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Aiming help: a code the camera sees but cannot read (too far, blurred) for this long makes the idle screen ask
    /// the visitor to move it closer and hold it still (and say so once); zero turns the help off.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:30")]
    public TimeSpan AimingHelpAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Rule 6: color data older than this refers (<c>color_data_stale</c>).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan MaxColorDataAge { get; set; } = PolicyDefaults.MaxColorDataAge;

    /// <summary>Rule 9: fever threshold on the core-equivalent temperature, °C.</summary>
    [Range(35.0, 40.0)]
    public double FeverThresholdC { get; set; } = PolicyDefaults.FeverThresholdC;

    /// <summary>The one skew: for code validity (the code verifier) and for the clock check (health-code.md, color-feed.md rule 8).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan ClockSkew { get; set; } = PolicyDefaults.ClockSkew;

    public PolicySettings ToPolicySettings() => new() { MaxColorDataAge = MaxColorDataAge, FeverThresholdC = FeverThresholdC };
}
