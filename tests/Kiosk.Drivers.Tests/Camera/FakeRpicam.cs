using Kiosk.Drivers.Camera;

namespace Kiosk.Drivers.Tests.Camera;

/// <summary>
/// A fake <c>rpicam-vid</c> at the hardware boundary: a bash script that records its arguments, writes a planned number
/// of YUV 4:2:0 frames (a rendered scene as the Y plane, neutral chroma) to stdout, prints an error and dies.
/// Run N of the script writes the N-th number of the plan (0 when the plan is exhausted). Or (second constructor) a
/// camera that streams several frames in turn at a frame rate until the reader goes away (the idle-cost benchmark).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FakeRpicam : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-rpicam-").FullName;

    public FakeRpicam(SimulatedScene scene, int width, int height, params int[] plan)
    {
        var renderer = new SimulatedSceneRenderer(width, height);
        Luma = renderer.Render(scene);
        WriteFrame(0, Luma, width, height);
        File.WriteAllLines(Path.Combine(_dir, "plan"), plan.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Command = WriteScript("""
            #!/bin/bash
            dir="$(dirname "$0")"
            echo "$@" > "$dir/args"
            n=$(cat "$dir/runs" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$dir/runs"
            count=$(sed -n "${n}p" "$dir/plan")
            for ((i=0; i<${count:-0}; i++)); do cat "$dir/frame-0.yuv"; done
            echo "ERROR: *** camera unplugged ***" >&2
            exit 1
            """);
    }

    /// <summary>
    /// A camera that runs until its reader closes the pipe: <paramref name="lumaFrames"/> in turn, paced at
    /// <paramref name="framesPerSecond"/> against the wall clock (deadlines from the start, so the rate does not drift).
    /// </summary>
    public FakeRpicam(IReadOnlyList<byte[]> lumaFrames, int width, int height, int framesPerSecond)
    {
        ArgumentNullException.ThrowIfNull(lumaFrames);
        Luma = lumaFrames[0];
        for (var i = 0; i < lumaFrames.Count; i++)
        {
            WriteFrame(i, lumaFrames[i], width, height);
        }

        var periodMicroseconds = (1_000_000 / framesPerSecond).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Command = WriteScript($$"""
            #!/bin/bash
            dir="$(dirname "$0")"
            echo "$@" > "$dir/args"
            period={{periodMicroseconds}}
            start=${EPOCHREALTIME/./}
            n=0
            while true; do
              for f in "$dir"/frame-*.yuv; do
                cat "$f" || exit 0
                n=$((n+1))
                wait_us=$((start + n * period - ${EPOCHREALTIME/./}))
                if ((wait_us > 0)); then sleep "$(printf '0.%06d' "$wait_us")"; fi
              done
            done
            """);
    }

    public string Command { get; }

    public byte[] Luma { get; }

    public string Arguments => File.ReadAllText(Path.Combine(_dir, "args")).Trim();

    public int Runs => File.Exists(Path.Combine(_dir, "runs")) ? int.Parse(File.ReadAllText(Path.Combine(_dir, "runs")).Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // One YUV 4:2:0 frame: the luma as the Y plane, neutral chroma.
    private void WriteFrame(int index, byte[] luma, int width, int height)
    {
        var frame = new byte[width * height * 3 / 2];
        luma.AsSpan(0, width * height).CopyTo(frame);
        Array.Fill(frame, (byte)128, width * height, width * height / 2);
        File.WriteAllBytes(Path.Combine(_dir, $"frame-{index}.yuv"), frame);
    }

    private string WriteScript(string script)
    {
        var command = Path.Combine(_dir, "rpicam-vid");
        File.WriteAllText(command, script.Replace("\r\n", "\n"));
        File.SetUnixFileMode(command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return command;
    }
}
