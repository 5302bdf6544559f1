using System.Buffers;
using System.Security.Cryptography;

namespace HealthCode.Formats;

/// <summary>Checks a COSE_Sign1 signature over <c>["Signature1", protected, h'', payload]</c> with a cached public key.</summary>
internal static class CoseSignature
{
    // 0x84 (array of 4), 0x6A "Signature1" (text of 10)
    private static ReadOnlySpan<byte> Prefix => [0x84, 0x6A, (byte)'S', (byte)'i', (byte)'g', (byte)'n', (byte)'a', (byte)'t', (byte)'u', (byte)'r', (byte)'e', (byte)'1'];

    public static bool Verify(long alg, AsymmetricAlgorithm key, ReadOnlySpan<byte> protectedBytes, ReadOnlySpan<byte> payload, ReadOnlySpan<byte> signature)
    {
        var length = ToBeSignedLength(protectedBytes.Length, payload.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = buffer.AsSpan(0, length);
            WriteToBeSigned(span, protectedBytes, payload);
            return VerifyData(alg, key, span, signature);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The bytes a COSE_Sign1 signs: the Sig_structure <c>["Signature1", protected, h'', payload]</c> (RFC 9052, 4.4).</summary>
    public static byte[] ToBeSigned(ReadOnlySpan<byte> protectedBytes, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[ToBeSignedLength(protectedBytes.Length, payload.Length)];
        WriteToBeSigned(bytes, protectedBytes, payload);
        return bytes;
    }

    private static int ToBeSignedLength(int protectedLength, int payloadLength) =>
        Prefix.Length + HeadLength(protectedLength) + protectedLength + 1 + HeadLength(payloadLength) + payloadLength;

    private static void WriteToBeSigned(Span<byte> span, ReadOnlySpan<byte> protectedBytes, ReadOnlySpan<byte> payload)
    {
        Prefix.CopyTo(span);
        var o = Prefix.Length;
        o += WriteByteStringHead(span[o..], protectedBytes.Length);
        protectedBytes.CopyTo(span[o..]);
        o += protectedBytes.Length;
        span[o++] = 0x40; // external_aad: empty bstr
        o += WriteByteStringHead(span[o..], payload.Length);
        payload.CopyTo(span[o..]);
    }

    private static bool VerifyData(long alg, AsymmetricAlgorithm key, ReadOnlySpan<byte> data, ReadOnlySpan<byte> signature)
    {
        try
        {
            switch (alg)
            {
                case CoseAlgorithms.ES256 when key is ECDsa ecdsa:
                    // r‖s, each as wide as the key's field: 64 bytes on P-256, 96 on P-384 (the curves a trust list admits for ES256).
                    var field = (ecdsa.KeySize + 7) / 8;
                    return signature.Length == 2 * field
                        && ecdsa.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
                case CoseAlgorithms.PS256 when key is RSA rsa:
                    // .NET's PSS uses a salt as long as the hash: 32 bytes for SHA-256, as COSE requires.
                    return signature.Length == (rsa.KeySize + 7) / 8
                        && rsa.VerifyData(data, signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
                default:
                    return false;
            }
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static int HeadLength(int length) => length < 24 ? 1 : length < 256 ? 2 : length < 65536 ? 3 : 5;

    private static int WriteByteStringHead(Span<byte> destination, int length)
    {
        if (length < 24)
        {
            destination[0] = (byte)(0x40 | length);
            return 1;
        }

        if (length < 256)
        {
            destination[0] = 0x58;
            destination[1] = (byte)length;
            return 2;
        }

        if (length < 65536)
        {
            destination[0] = 0x59;
            destination[1] = (byte)(length >> 8);
            destination[2] = (byte)length;
            return 3;
        }

        destination[0] = 0x5A;
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination[1..], length);
        return 5;
    }
}
