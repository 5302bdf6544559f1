using System.Diagnostics;
using Kiosk.Drivers.Camera;

namespace Kiosk.Drivers.Tests.Camera;

/// <summary>
/// A fake <c>rpicam-vid</c> at the hardware boundary: a bash script that records its arguments, writes a planned number
/// of YUV 4:2:0 frames (a rendered scene as the Y plane, neutral chroma) to stdout, prints an error and dies.
/// Run N of the script writes the N-th number of <see cref="Plan"/> (0 when the plan is exhausted).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class FakeRpicam : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fake-rpicam-").FullName;

    public FakeRpicam(SimulatedScene scene, int width, int height, params int[] plan)
    {
        var renderer = new SimulatedSceneRenderer(width, height);
        Luma = renderer.Render(scene);
        var frame = new byte[width * height * 3 / 2];
        Luma.CopyTo(frame, 0);
        Array.Fill(frame, (byte)128, width * height, width * height / 2);
        File.WriteAllBytes(Path.Combine(_dir, "frame.yuv"), frame);
        File.WriteAllLines(Path.Combine(_dir, "plan"), plan.Select(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Command = Path.Combine(_dir, "rpicam-vid");
        File.WriteAllText(Command, """
            #!/bin/bash
            dir="$(dirname "$0")"
            echo "$@" > "$dir/args"
            n=$(cat "$dir/runs" 2>/dev/null || echo 0); n=$((n+1)); echo $n > "$dir/runs"
            count=$(sed -n "${n}p" "$dir/plan")
            for ((i=0; i<${count:-0}; i++)); do cat "$dir/frame.yuv"; done
            echo "ERROR: *** camera unplugged ***" >&2
            exit 1
            """.Replace("\r\n", "\n"));
        File.SetUnixFileMode(Command, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Command { get; }

    public byte[] Luma { get; }

    public string Arguments => File.ReadAllText(Path.Combine(_dir, "args")).Trim();

    public int Runs => File.Exists(Path.Combine(_dir, "runs")) ? int.Parse(File.ReadAllText(Path.Combine(_dir, "runs")).Trim(), System.Globalization.CultureInfo.InvariantCulture) : 0;

    public void Dispose() => Directory.Delete(_dir, recursive: true);
}
