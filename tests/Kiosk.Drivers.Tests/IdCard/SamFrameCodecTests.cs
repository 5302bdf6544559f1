using System.Globalization;
using System.Text.RegularExpressions;
using Kiosk.Drivers.IdCard;

namespace Kiosk.Drivers.Tests.IdCard;

public partial class SamFrameCodecTests
{
    public static TheoryData<string> Requests => IdCardFrames.Names("request");

    public static TheoryData<string> Replies => IdCardFrames.Names("reply");

    public static TheoryData<string> Corrupt => IdCardFrames.Names("corrupt");

    [Fact]
    public void TheVectorsHoldEveryKindOfFrame()
    {
        Assert.Equal(4, Requests.Count);
        Assert.Equal(6, Replies.Count);
        Assert.Equal(3, Corrupt.Count);
        Assert.All(IdCardFrames.Named("corrupt"), f => Assert.True(f.TransferError));
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void EveryRequestDecodesAndEncodesToTheSameBytes(string name)
    {
        var frame = IdCardFrames.Get(name).Bytes;
        Assert.Equal(SamTransferError.None, SamFrameCodec.DecodeRequest(frame, out var request));
        Assert.True(request.Data.IsEmpty);
        Assert.True(Enum.IsDefined(request.Command));
        Assert.Equal(frame, SamFrameCodec.EncodeRequest(request.Command));
    }

    [Fact]
    public void TheFourCommandsAreTheFourRequestFrames()
    {
        Assert.Equal(IdCardFrames.Get("request find card").Bytes, SamFrameCodec.EncodeRequest(SamCommand.FindCard));
        Assert.Equal(IdCardFrames.Get("request select card").Bytes, SamFrameCodec.EncodeRequest(SamCommand.SelectCard));
        Assert.Equal(IdCardFrames.Get("request read text and photo").Bytes, SamFrameCodec.EncodeRequest(SamCommand.ReadTextAndPhoto));
        Assert.Equal(IdCardFrames.Get("request module id").Bytes, SamFrameCodec.EncodeRequest(SamCommand.ReadModuleId));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void EveryReplyDecodesToTheStatusInItsNameAndEncodesBack(string name)
    {
        var frame = IdCardFrames.Get(name).Bytes;
        var expected = (SamStatus)byte.Parse(StatusInName().Match(name).Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

        Assert.Equal(SamTransferError.None, SamFrameCodec.DecodeResponse(frame, out var response));
        Assert.Equal(expected, response.Status);
        Assert.Equal(frame, SamFrameCodec.EncodeResponse(response.Status, response.Data, response.Sw1, response.Sw2));
    }

    [Fact]
    public void TheCardsOwnStatusWordsDoNotChangeTheVerdict()
    {
        SamFrameCodec.DecodeResponse(IdCardFrames.Get("reply read failed (41) with the card's own SW1 SW2").Bytes, out var response);
        Assert.Equal((0x6A, 0x82, SamStatus.ReadFailed), (response.Sw1, response.Sw2, response.Status));
    }

    [Fact]
    public void TheWholeReadReplyParsesToItsExpectedFields()
    {
        var vector = IdCardFrames.ReadReply;
        Assert.Equal(SamTransferError.None, SamFrameCodec.DecodeResponse(vector.Bytes, out var response));
        Assert.Equal(SamStatus.Success, response.Status);
        Assert.Equal(4 + 256 + 1024, response.Data.Length);

        Assert.True(IdCardText.TryParse(response.Data, out var card));
        Assert.Equal(vector.Number, card.Number);
        Assert.Equal(vector.HolderName, card.Name);
        Assert.Equal(vector.Birth, card.Birth);
        Assert.Equal(vector.ValidFrom, card.ValidFrom);
        Assert.Equal(vector.ValidTo, card.ValidTo);
        Assert.Equal(' ', card.LayoutFlag);
    }

    [Fact]
    public void TheParsedCardHoldsNoAddressAndPrintsRedacted()
    {
        SamFrameCodec.DecodeResponse(IdCardFrames.ReadReply.Bytes, out var response);
        IdCardText.TryParse(response.Data, out var card);

        var held = typeof(IdCardText).GetProperties().Select(p => p.GetValue(card)?.ToString() ?? "").ToList();
        Assert.Equal(6, held.Count);
        Assert.DoesNotContain(held, v => v.Contains("黑龙江", StringComparison.Ordinal) || v.Contains("公安局", StringComparison.Ordinal));
        Assert.Equal("IdCardText(redacted)", card!.ToString());
        Assert.Equal("IdCardText(redacted)", $"{card}");
        Assert.DoesNotContain("230102", response.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TheEmulatedCardIsByteForByteTheVectorsCard()
    {
        var card = new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "长期") { Photo = new byte[1024] };
        Assert.Equal(IdCardFrames.ReadReply.Bytes, SamFrameCodec.EncodeResponse(SamStatus.Success, card.EncodeReadReplyData()));
    }

    [Theory]
    [InlineData('I')]
    [InlineData('J')]
    [InlineData('Y')]
    public void TheLayoutFlagIsCharacter124(char flag)
    {
        var card = new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "20400101") { LayoutFlag = flag };
        Assert.True(IdCardText.TryParse(card.EncodeReadReplyData(), out var text));
        Assert.Equal(flag, text.LayoutFlag);
        Assert.Equal("20400101", text.ValidTo);
    }

    [Theory]
    [MemberData(nameof(Corrupt))]
    public void EveryCorruptFrameIsATransferError(string name)
    {
        var error = SamFrameCodec.DecodeResponse(IdCardFrames.Get(name).Bytes, out var response);
        Assert.NotEqual(SamTransferError.None, error);
        Assert.True(response.Data.IsEmpty);
    }

    [Fact]
    public void TheCorruptFramesFailForTheirOwnReason()
    {
        Assert.Equal(SamTransferError.BadChecksum, SamFrameCodec.DecodeResponse(IdCardFrames.Named("corrupt: read ok with the checksum").Single().Bytes, out _));
        Assert.Equal(SamTransferError.Truncated, SamFrameCodec.DecodeResponse(IdCardFrames.Named("corrupt: read ok cut").Single().Bytes, out _));
        Assert.Equal(SamTransferError.BadPreamble, SamFrameCodec.DecodeResponse(IdCardFrames.Named("corrupt: preamble").Single().Bytes, out _));
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void EverySingleBitFlipOfAReplyIsATransferError(string name)
    {
        var frame = IdCardFrames.Get(name).Bytes;
        for (var bit = 0; bit < frame.Length * 8; bit++)
        {
            var flipped = (byte[])frame.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.NotEqual(SamTransferError.None, SamFrameCodec.DecodeResponse(flipped, out _));
        }
    }

    [Theory]
    [MemberData(nameof(Replies))]
    public void EveryCutOrExtendedReplyIsATransferError(string name)
    {
        var frame = IdCardFrames.Get(name).Bytes;
        for (var length = 0; length < frame.Length; length++)
        {
            Assert.NotEqual(SamTransferError.None, SamFrameCodec.DecodeResponse(frame.AsSpan(0, length), out _));
        }

        Assert.Equal(SamTransferError.BadLength, SamFrameCodec.DecodeResponse([.. frame, 0x00], out _));
    }

    [Theory]
    [InlineData(0x0000)]
    [InlineData(0x0003)]
    [InlineData(0x0579)]
    [InlineData(0xFFFF)]
    public void ImpossibleLengthsAreRefusedFromTheHeaderAlone(int length)
    {
        byte[] header = [0xAA, 0xAA, 0xAA, 0x96, 0x69, (byte)(length >> 8), (byte)length];
        Assert.Equal(SamTransferError.BadLength, SamFrameCodec.ReadHeader(header, SamFrameCodec.MinResponseLength, out var frameLength));
        Assert.Equal(0, frameLength);
        Assert.Equal(SamTransferError.BadLength, SamFrameCodec.DecodeResponse(header, out _));
    }

    [Fact]
    public void ReadReplyDataWithWrongLengthsIsRefused()
    {
        var data = new EmulatedIdCard("230102198001011236", "王小明", "19800101", "20200101", "长期").EncodeReadReplyData();
        Assert.False(IdCardText.TryParse(data.AsSpan(0, data.Length - 1), out _));
        Assert.False(IdCardText.TryParse(data.AsSpan(0, 3), out _));
        var shortText = (byte[])data.Clone();
        shortText[1] = 0xFE;
        Assert.False(IdCardText.TryParse(shortText, out _));
    }

    [Fact]
    public void TheChecksumIsTheXorOfLengthAndBody()
    {
        var random = new Random(7);
        for (var length = 0; length < 40; length++)
        {
            var bytes = new byte[length];
            random.NextBytes(bytes);
            byte expected = 0;
            foreach (var b in bytes)
            {
                expected ^= b;
            }

            Assert.Equal(expected, SamFrameCodec.Checksum(bytes));
        }
    }

    [Fact]
    public void ThePreambleIsFoundAfterJunkAndAPartialOneIsKept()
    {
        byte[] buffer = [0x00, 0xAA, 0x13, 0xAA, 0xAA, 0xAA, 0x96, 0x69, 0x00];
        Assert.Equal(3, SamFrameCodec.IndexOfPreamble(buffer));
        Assert.Equal(2, SamFrameCodec.PartialPreambleSuffix([0x01, 0xAA, 0xAA]));
        Assert.Equal(4, SamFrameCodec.PartialPreambleSuffix([0xAA, 0xAA, 0xAA, 0x96]));
        Assert.Equal(0, SamFrameCodec.PartialPreambleSuffix([0xAA, 0x96]));
    }

    [GeneratedRegex(@"\(([0-9A-F]{2})\)")]
    private static partial Regex StatusInName();
}
