using System.Runtime.InteropServices;

namespace Kiosk.Drivers.Gpio;

/// <summary>
/// What the machine offers for GPIO: the board model (<c>/proc/device-tree/model</c>), the GPIO character devices
/// (<c>/dev/gpiochipN</c>) and which libgpiod loads. The input of <see cref="GpioDriverChoice.Choose"/>.
/// </summary>
/// <param name="Model">The device-tree model (<c>Raspberry Pi 5 Model B Rev 1.0</c>), or null when there is none.</param>
/// <param name="Chips">The numbers N of <c>/dev/gpiochipN</c>.</param>
/// <param name="LibgpiodV1">Whether <c>libgpiod.so.2</c> (libgpiod 1.x) loads.</param>
/// <param name="LibgpiodV2">Whether <c>libgpiod.so.3</c> (libgpiod 2.x) loads.</param>
public sealed record GpioMachine(string? Model, IReadOnlyList<int> Chips, bool LibgpiodV1, bool LibgpiodV2)
{
    /// <summary>The soname of libgpiod 1.x (Debian package <c>libgpiod2</c>).</summary>
    public const string LibgpiodV1Library = "libgpiod.so.2";

    /// <summary>The soname of libgpiod 2.x (Debian package <c>libgpiod3</c>).</summary>
    public const string LibgpiodV2Library = "libgpiod.so.3";

    /// <summary>A Raspberry Pi of any kind.</summary>
    public bool IsRaspberryPi => Model?.StartsWith("Raspberry Pi", StringComparison.Ordinal) == true;

    /// <summary>A Raspberry Pi 5 (or a Compute Module 5): GPIO through the RP1, which only libgpiod drives.</summary>
    public bool IsRaspberryPi5 => Model is { } m && (m.StartsWith("Raspberry Pi 5", StringComparison.Ordinal) || m.StartsWith("Raspberry Pi Compute Module 5", StringComparison.Ordinal));

    /// <summary>Looks at this machine.</summary>
    public static GpioMachine Probe(string root = "/")
    {
        string? model = null;
        var modelFile = Path.Combine(root, "proc/device-tree/model");
        if (File.Exists(modelFile))
        {
            // A model string is a few dozen bytes: read no more than 256.
            using var stream = File.OpenRead(modelFile);
            var buffer = new byte[256];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            model = System.Text.Encoding.UTF8.GetString(buffer, 0, length).TrimEnd('\0', '\n', ' ');
        }

        var chips = new List<int>();
        var dev = Path.Combine(root, "dev");
        if (Directory.Exists(dev))
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(dev, "gpiochip*"))
            {
                if (int.TryParse(Path.GetFileName(path).AsSpan("gpiochip".Length), out var n))
                {
                    chips.Add(n);
                }
            }
        }

        chips.Sort();
        return new GpioMachine(model, chips, Loads(LibgpiodV1Library), Loads(LibgpiodV2Library));
    }

    private static bool Loads(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            return false;
        }

        NativeLibrary.Free(handle);
        return true;
    }
}
