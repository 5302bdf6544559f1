using System.Buffers.Binary;
using System.Device.Gpio;
using System.Device.Spi;
using Iot.Device.Ili934x;
using Kiosk.Display.Sinks.Ili934x;
using Kiosk.Drivers.Gpio;
using Microsoft.Extensions.Time.Testing;
using SkiaSharp;

namespace Kiosk.Display.Tests;

/// <summary>The ILI9341 sink talking to a recording SPI device; D/C and reset on the simulated GPIO driver.</summary>
public sealed class Ili9341SinkTests
{
    private const int DataCommandPin = 25;

    /// <summary>Records every SPI write together with the D/C level at that moment (low = command byte).</summary>
    private sealed class RecordingSpiDevice(SimulatedGpioDriver gpio) : SpiDevice
    {
        public List<(bool Command, byte[] Bytes)> Writes { get; } = [];

        public override SpiConnectionSettings ConnectionSettings { get; } = new(0, 0) { ClockFrequency = 12_000_000, Mode = SpiMode.Mode3 };

        public override void Write(ReadOnlySpan<byte> buffer) => Writes.Add((gpio.LevelOf(DataCommandPin) == PinValue.Low, buffer.ToArray()));

        public override void WriteByte(byte value) => Write([value]);

        public override byte ReadByte() => 0;

        public override void Read(Span<byte> buffer) => buffer.Clear();

        public override void TransferFullDuplex(ReadOnlySpan<byte> writeBuffer, Span<byte> readBuffer)
        {
            Write(writeBuffer);
            readBuffer.Clear();
        }
    }

    [Fact]
    public void Rgb565ConversionIsMostSignificantByteFirst()
    {
        using var bitmap = new SKBitmap(new SKImageInfo(3, 1, SKColorType.Bgra8888, SKAlphaType.Opaque));
        bitmap.SetPixel(0, 0, new SKColor(0xFF, 0, 0));
        bitmap.SetPixel(1, 0, new SKColor(0, 0xFF, 0));
        bitmap.SetPixel(2, 0, new SKColor(0x12, 0x34, 0x56));
        var bytes = new byte[6];
        Ili9341Sink.ToRgb565BigEndian(bitmap, bytes);
        Assert.Equal(new byte[] { 0xF8, 0x00, 0x07, 0xE0 }, bytes[..4]);
        Assert.Equal((ushort)((0x12 >> 3) << 11 | (0x34 >> 2) << 5 | (0x56 >> 3)), BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4)));
    }

    [Fact]
    public void AFrameGoesToThePanelAsOneMemoryWriteOf240x320Pixels()
    {
        var driver = new SimulatedGpioDriver(new FakeTimeProvider());
        using var gpio = new GpioController(driver);
        var spi = new RecordingSpiDevice(driver);
        using var sink = new Ili9341Sink(new Ili9341(spi, DataCommandPin, resetPin: 24, gpioController: gpio, shouldDispose: false), rotation: 90);
        spi.Writes.Clear();

        using var frame = new SKBitmap(new SKImageInfo(320, 240, SKColorType.Bgra8888, SKAlphaType.Opaque));
        frame.Erase(new SKColor(0x12, 0x2A, 0x47));
        sink.Present(frame);

        // Column address set (0x2A), page address set (0x2B), memory write (0x2C), then the pixels as data.
        var commands = spi.Writes.Where(w => w.Command).Select(w => w.Bytes[0]).ToList();
        Assert.Equal(new byte[] { 0x2A, 0x2B, 0x2C }, commands);
        var afterMemoryWrite = spi.Writes.SkipWhile(w => !(w.Command && w.Bytes[0] == 0x2C)).Skip(1).ToList();
        Assert.All(afterMemoryWrite, w => Assert.False(w.Command));
        var pixels = afterMemoryWrite.SelectMany(w => w.Bytes).ToArray();
        Assert.Equal(240 * 320 * 2, pixels.Length);
        var expected = (ushort)((0x12 >> 3) << 11 | (0x2A >> 2) << 5 | (0x47 >> 3));
        Assert.Equal(expected, BinaryPrimitives.ReadUInt16BigEndian(pixels.AsSpan(2 * (160 * 240 + 120))));
    }
}
