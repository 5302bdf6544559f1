namespace Kiosk.Display.Sinks.Framebuffer;

/// <summary>One color channel of a framebuffer pixel (the kernel's <c>fb_bitfield</c>).</summary>
/// <param name="Offset">Bit offset of the channel's least significant bit in the pixel value.</param>
/// <param name="Length">Bits of the channel.</param>
public readonly record struct FramebufferChannel(int Offset, int Length);
