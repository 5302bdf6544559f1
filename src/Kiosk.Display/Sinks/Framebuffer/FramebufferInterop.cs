using System.Runtime.InteropServices;

namespace Kiosk.Display.Sinks.Framebuffer;

/// <summary>libc calls and kernel structures of the Linux framebuffer (linux/fb.h).</summary>
internal static unsafe partial class FramebufferInterop
{
    /// <summary>ioctl: get variable screen info.</summary>
    public const uint FBIOGET_VSCREENINFO = 0x4600;

    /// <summary>ioctl: get fixed screen info.</summary>
    public const uint FBIOGET_FSCREENINFO = 0x4602;

    public const int O_RDWR = 0x2;
    public const int O_CLOEXEC = 0x80000;
    public const int PROT_READ = 0x1;
    public const int PROT_WRITE = 0x2;
    public const int MAP_SHARED = 0x1;

    /// <summary><c>struct fb_bitfield</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FbBitfield
    {
        public uint Offset;
        public uint Length;
        public uint MsbRight;
    }

    /// <summary><c>struct fb_var_screeninfo</c> (160 bytes).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FbVarScreeninfo
    {
        public uint XRes;
        public uint YRes;
        public uint XResVirtual;
        public uint YResVirtual;
        public uint XOffset;
        public uint YOffset;
        public uint BitsPerPixel;
        public uint Grayscale;
        public FbBitfield Red;
        public FbBitfield Green;
        public FbBitfield Blue;
        public FbBitfield Transp;
        public uint Nonstd;
        public uint Activate;
        public uint Height;
        public uint Width;
        public uint AccelFlags;
        public uint PixClock;
        public uint LeftMargin;
        public uint RightMargin;
        public uint UpperMargin;
        public uint LowerMargin;
        public uint HsyncLen;
        public uint VsyncLen;
        public uint Sync;
        public uint Vmode;
        public uint Rotate;
        public uint Colorspace;
        public fixed uint Reserved[4];
    }

    /// <summary><c>struct fb_fix_screeninfo</c>; <c>unsigned long</c> is pointer-sized on Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FbFixScreeninfo
    {
        public fixed byte Id[16];
        public nuint SmemStart;
        public uint SmemLen;
        public uint Type;
        public uint TypeAux;
        public uint Visual;
        public ushort XPanStep;
        public ushort YPanStep;
        public ushort YWrapStep;
        public uint LineLength;
        public nuint MmioStart;
        public uint MmioLen;
        public uint Accel;
        public ushort Capabilities;
        public fixed ushort Reserved[2];
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    public static partial int Ioctl(int fd, nuint request, void* arg);

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    public static partial void* Mmap(void* addr, nuint length, int prot, int flags, int fd, nint offset);

    [LibraryImport("libc", EntryPoint = "munmap", SetLastError = true)]
    public static partial int Munmap(void* addr, nuint length);

    public static string LastError() => Marshal.GetLastPInvokeErrorMessage();
}
