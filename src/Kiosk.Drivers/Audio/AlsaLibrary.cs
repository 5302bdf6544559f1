using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

namespace Kiosk.Drivers.Audio;

/// <summary>
/// Where <c>Iot.Device.Media.SoundDevice</c> finds ALSA. Its P/Invokes name the library <c>libasound</c>, which the
/// runtime probes as <c>libasound.so</c>: a file only the -dev package installs. The runtime library that every
/// system with ALSA has is <c>libasound.so.2</c> (Debian package <c>libasound2</c>); this maps one to the other.
/// </summary>
public static class AlsaLibrary
{
    /// <summary>The runtime library's soname.</summary>
    public const string Soname = "libasound.so.2";

    private static int _installed;

    /// <summary>Adds the mapping (once per process). A fallback handler: it runs only when default probing found nothing.</summary>
    public static void EnsureResolvable()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
        {
            AssemblyLoadContext.Default.ResolvingUnmanagedDll += Resolve;
        }
    }

    /// <summary>Loads ALSA the way the sound device will; false (and why) when the library is not there.</summary>
    public static bool TryLoad(out string? error)
    {
        if (NativeLibrary.TryLoad(Soname, out _))
        {
            error = null;
            return true;
        }

        error = $"{Soname} not found (install libasound2)";
        return false;
    }

    private static IntPtr Resolve(Assembly assembly, string name) =>
        name is "libasound" or "libasound.so" && NativeLibrary.TryLoad(Soname, out var handle) ? handle : IntPtr.Zero;
}
