using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;

namespace HealthCode.Formats;

/// <summary>
/// A NIST prime curve y² = x³ + ax + b over GF(p) with a base point G of prime order n (cofactor 1): the arithmetic
/// public-key recovery needs (<see cref="EcdsaKeyRecovery"/>), in <see cref="BigInteger"/> with Jacobian coordinates.
/// </summary>
/// <remarks>Not constant time: it only ever handles public values (signatures, hashes, public keys), never a private key.
/// The parameters are those of SEC 2 v2 (2.4.2 secp256r1, 2.5.1 secp384r1) = FIPS 186-4 D.1.2.3 and D.1.2.4.</remarks>
public sealed class EcPrimeCurve
{
    private readonly BigInteger _sqrtExponent;

    private EcPrimeCurve(string name, ECCurve curve, int fieldBytes, string p, string a, string b, string n, string gx, string gy)
    {
        Name = name;
        Curve = curve;
        FieldBytes = fieldBytes;
        P = Hex(p);
        A = Hex(a);
        B = Hex(b);
        N = Hex(n);
        Gx = Hex(gx);
        Gy = Hex(gy);

        // Both primes are 3 mod 4, so a square root is one exponentiation (z^((p+1)/4)).
        if (P % 4 != 3)
        {
            throw new InvalidOperationException($"{name}: p is not 3 mod 4");
        }

        _sqrtExponent = (P + 1) / 4;
    }

    /// <summary>NIST P-256 (secp256r1), the curve of ES256 keys and of the feed's authority key.</summary>
    public static EcPrimeCurve P256 { get; } = new(
        "P-256",
        ECCurve.NamedCurves.nistP256,
        32,
        p: "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
        a: "ffffffff00000001000000000000000000000000fffffffffffffffffffffffc",
        b: "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
        n: "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
        gx: "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
        gy: "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5");

    /// <summary>NIST P-384 (secp384r1): health-code.md admits P-384 keys signing ES256 in a trust list.</summary>
    public static EcPrimeCurve P384 { get; } = new(
        "P-384",
        ECCurve.NamedCurves.nistP384,
        48,
        p: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
        a: "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffc",
        b: "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
        n: "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
        gx: "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
        gy: "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f");

    /// <summary>The curve's name: <c>P-256</c> or <c>P-384</c>.</summary>
    public string Name { get; }

    /// <summary>The named curve for <see cref="ECParameters"/>.</summary>
    public ECCurve Curve { get; }

    /// <summary>Bytes of a field element or a scalar (and of r and of s in an r‖s signature).</summary>
    public int FieldBytes { get; }

    /// <summary>The field's prime p.</summary>
    public BigInteger P { get; }

    /// <summary>The coefficient a (p − 3).</summary>
    public BigInteger A { get; }

    /// <summary>The coefficient b.</summary>
    public BigInteger B { get; }

    /// <summary>The order n of the base point.</summary>
    public BigInteger N { get; }

    /// <summary>x of the base point G.</summary>
    public BigInteger Gx { get; }

    /// <summary>y of the base point G.</summary>
    public BigInteger Gy { get; }

    /// <summary>The curve whose r‖s signatures are <paramref name="signatureBytes"/> long (64: P-256, 96: P-384), or null.</summary>
    public static EcPrimeCurve? ForSignatureLength(int signatureBytes) => signatureBytes switch
    {
        64 => P256,
        96 => P384,
        _ => null,
    };

    /// <summary>k·G in affine coordinates; null for the point at infinity (k a multiple of n).</summary>
    public (BigInteger X, BigInteger Y)? MultiplyBase(BigInteger k) => ToAffine(Multiply(Mod(k, N), new Jacobian(Gx, Gy, BigInteger.One)));

    /// <summary>True when (x, y) satisfies the curve equation with both coordinates in [0, p).</summary>
    public bool IsOnCurve(BigInteger x, BigInteger y) =>
        x.Sign >= 0 && x < P && y.Sign >= 0 && y < P && Mod((y * y) - ((((x * x) + A) * x) + B), P).IsZero;

    /// <summary>The point with this x and a y of the given parity (SEC 1 v2, 2.3.4 with the parity bit), or null when x is on no point.</summary>
    public (BigInteger X, BigInteger Y)? Decompress(BigInteger x, bool yOdd)
    {
        if (x.Sign < 0 || x >= P)
        {
            return null;
        }

        var alpha = Mod((((x * x) + A) * x) + B, P);
        var beta = BigInteger.ModPow(alpha, _sqrtExponent, P);
        if (!Mod(beta * beta, P).Equals(alpha))
        {
            return null; // alpha has no square root: no point has this x
        }

        return (x, beta.IsEven == !yOdd ? beta : Mod(P - beta, P));
    }

    /// <summary>u1·G + u2·Q (Shamir's trick); null for the point at infinity.</summary>
    public (BigInteger X, BigInteger Y)? MultiplyAdd(BigInteger u1, BigInteger u2, (BigInteger X, BigInteger Y) q)
    {
        u1 = Mod(u1, N);
        u2 = Mod(u2, N);
        var g = new Jacobian(Gx, Gy, BigInteger.One);
        var qj = new Jacobian(q.X, q.Y, BigInteger.One);
        var both = Add(g, qj);
        var result = Jacobian.Infinity;
        for (var bit = (int)Math.Max(u1.GetBitLength(), u2.GetBitLength()) - 1; bit >= 0; bit--)
        {
            result = Double(result);
            var a = !(u1 >> bit).IsEven;
            var b = !(u2 >> bit).IsEven;
            if (a && b)
            {
                result = Add(result, both);
            }
            else if (a)
            {
                result = Add(result, g);
            }
            else if (b)
            {
                result = Add(result, qj);
            }
        }

        return ToAffine(result);
    }

    /// <summary>A big-endian unsigned integer (a hash, r, s, a coordinate).</summary>
    public static BigInteger FromBytes(ReadOnlySpan<byte> bigEndian) => new(bigEndian, isUnsigned: true, isBigEndian: true);

    /// <summary><paramref name="value"/> as <see cref="FieldBytes"/> big-endian bytes, zero-padded on the left.</summary>
    public byte[] ToFixedBytes(BigInteger value)
    {
        var bytes = new byte[FieldBytes];
        var length = value.GetByteCount(isUnsigned: true);
        if (value.Sign < 0 || length > FieldBytes)
        {
            throw new ArgumentOutOfRangeException(nameof(value), "not a field element");
        }

        value.TryWriteBytes(bytes.AsSpan(FieldBytes - length), out _, isUnsigned: true, isBigEndian: true);
        return bytes;
    }

    /// <inheritdoc/>
    public override string ToString() => Name;

    internal static BigInteger Mod(BigInteger value, BigInteger modulus)
    {
        var r = BigInteger.Remainder(value, modulus);
        return r.Sign < 0 ? r + modulus : r;
    }

    private static BigInteger Hex(string hex) => BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);

    private Jacobian Multiply(BigInteger k, Jacobian point)
    {
        var result = Jacobian.Infinity;
        for (var bit = (int)k.GetBitLength() - 1; bit >= 0; bit--)
        {
            result = Double(result);
            if (!(k >> bit).IsEven)
            {
                result = Add(result, point);
            }
        }

        return result;
    }

    private (BigInteger X, BigInteger Y)? ToAffine(Jacobian point)
    {
        if (point.IsInfinity)
        {
            return null;
        }

        var zInverse = BigInteger.ModPow(point.Z, P - 2, P);
        var zInverse2 = Mod(zInverse * zInverse, P);
        return (Mod(point.X * zInverse2, P), Mod(point.Y * zInverse2 * zInverse, P));
    }

    // Doubling in Jacobian coordinates (x = X/Z², y = Y/Z³) with a general a.
    private Jacobian Double(Jacobian point)
    {
        if (point.IsInfinity || point.Y.IsZero)
        {
            return Jacobian.Infinity;
        }

        var y2 = Mod(point.Y * point.Y, P);
        var s = Mod(4 * point.X * y2, P);
        var z2 = Mod(point.Z * point.Z, P);
        var m = Mod((3 * point.X * point.X) + (A * z2 * z2), P);
        var x3 = Mod((m * m) - (2 * s), P);
        var y3 = Mod((m * (s - x3)) - (8 * y2 * y2), P);
        var z3 = Mod(2 * point.Y * point.Z, P);
        return new Jacobian(x3, y3, z3);
    }

    private Jacobian Add(Jacobian p1, Jacobian p2)
    {
        if (p1.IsInfinity)
        {
            return p2;
        }

        if (p2.IsInfinity)
        {
            return p1;
        }

        var z1z1 = Mod(p1.Z * p1.Z, P);
        var z2z2 = Mod(p2.Z * p2.Z, P);
        var u1 = Mod(p1.X * z2z2, P);
        var u2 = Mod(p2.X * z1z1, P);
        var s1 = Mod(p1.Y * p2.Z * z2z2, P);
        var s2 = Mod(p2.Y * p1.Z * z1z1, P);
        if (u1.Equals(u2))
        {
            return s1.Equals(s2) ? Double(p1) : Jacobian.Infinity; // the same point, or its negation
        }

        var h = Mod(u2 - u1, P);
        var r = Mod(s2 - s1, P);
        var h2 = Mod(h * h, P);
        var h3 = Mod(h * h2, P);
        var u1h2 = Mod(u1 * h2, P);
        var x3 = Mod((r * r) - h3 - (2 * u1h2), P);
        var y3 = Mod((r * (u1h2 - x3)) - (s1 * h3), P);
        var z3 = Mod(h * p1.Z * p2.Z, P);
        return new Jacobian(x3, y3, z3);
    }

    private readonly record struct Jacobian(BigInteger X, BigInteger Y, BigInteger Z)
    {
        public static Jacobian Infinity => new(BigInteger.One, BigInteger.One, BigInteger.Zero);

        public bool IsInfinity => Z.IsZero;
    }
}
