using CsCheck;
using HealthCode.Formats.Identity;

namespace HealthCode.Formats.Tests.Identity;

/// <summary>Card validation of identity.md: the check character (ISO 7064 MOD 11-2), well-formed, in date.</summary>
public class ResidentIdCardTests
{
    private static readonly DateTimeOffset ReadAt = new(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);

    /// <summary>17 digits whose birth part is a real date, from an area, a birth date and a sequence.</summary>
    private static readonly Gen<string> First17 = Gen.Select(Gen.Int[0, 999_999], Gen.Int[0, 365 * 120], Gen.Int[0, 999])
        .Select((area, days, sequence) => $"{area:000000}{new DateOnly(1906, 1, 1).AddDays(days):yyyyMMdd}{sequence:000}");

    /// <summary>Valid numbers, the check character computed by the recursive form of ISO 7064 MOD 11-2 (not the weight table the product uses).</summary>
    private static readonly Gen<string> ValidNumbers = First17.Select(first17 => first17 + IsoMod112(first17));

    /// <summary>ISO 7064 MOD 11-2, pure system, recursive: p = 2(p + d) mod 11 over the digits; the check value is (12 - p) mod 11, 10 written X.</summary>
    private static char IsoMod112(string first17)
    {
        var p = 0;
        foreach (var c in first17)
        {
            p = (p + (c - '0')) * 2 % 11;
        }

        var value = (12 - p) % 11;
        return value == 10 ? 'X' : (char)('0' + value);
    }

    [Theory]
    [InlineData("11010519491231002X")] // the example of GB 11643
    [InlineData("11010519491231002x")] // lower-case x is read as X
    [InlineData("230102198001011236")] // the example of identity.md
    public void KnownNumbersPass(string number) => Assert.True(ResidentIdCard.IsValidNumber(number));

    [Fact]
    public void EveryValidNumberPasses() =>
        ValidNumbers.Sample(number =>
        {
            Assert.True(ResidentIdCard.TryNormalizeNumber(number, out var normalized));
            Assert.Equal(number, normalized);
            Assert.True(ResidentIdCard.TryNormalizeNumber(number.Replace('X', 'x'), out var fromLower));
            Assert.Equal(number, fromLower);
            Assert.Equal(number, ResidentIdCard.Compose(number[..6], DateOnly.ParseExact(number[6..14], "yyyyMMdd"), int.Parse(number[14..17])));
        }, iter: 20_000);

    /// <summary>
    /// MOD 11-2 detects every single-character substitution: a digit changed by δ (1..9) at position i moves the sum by
    /// wᵢ·δ, and 11 is prime with 0 &lt; wᵢ, δ &lt; 11, so wᵢ·δ is never 0 mod 11; the eleven check values map to eleven
    /// different characters. The first two facts are checked exhaustively here, the whole claim by sampling below.
    /// </summary>
    [Fact]
    public void NoSingleDigitChangeKeepsTheSumModulo11()
    {
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        for (var i = 0; i < 17; i++)
        {
            Assert.Equal((1 << (17 - i)) % 11, weights[i]); // the weights are 2^(17-i) mod 11
            for (var delta = 1; delta <= 9; delta++)
            {
                Assert.NotEqual(0, weights[i] * delta % 11);
            }
        }

        Assert.Equal(11, "10X98765432".Distinct().Count());
    }

    [Fact]
    public void EverySingleCharacterChangeOfAValidNumberFails()
    {
        const string alphabet = "0123456789Xx ABx-\u0661\uFF11"; // digits, X either case, a space, letters, an Arabic-Indic one, a full-width one
        ValidNumbers.Sample(number =>
        {
            for (var position = 0; position < number.Length; position++)
            {
                foreach (var c in alphabet)
                {
                    var same = c == number[position] || (position == 17 && char.ToUpperInvariant(c) == number[17]);
                    if (same)
                    {
                        continue;
                    }

                    var changed = string.Concat(number.AsSpan(0, position), [c], number.AsSpan(position + 1));
                    Assert.False(ResidentIdCard.IsValidNumber(changed), $"position {position} changed to '{c}' still passes");
                }
            }
        }, iter: 2_000);
    }

    [Fact]
    public void WrongLengthsFail()
    {
        const string number = "11010519491231002X";
        Assert.False(ResidentIdCard.IsValidNumber(number.AsSpan(0, 17)));
        Assert.False(ResidentIdCard.IsValidNumber(number + "0"));
        Assert.False(ResidentIdCard.IsValidNumber(""));
        Assert.False(ResidentIdCard.IsValidNumber("1101051949123100X2")); // X only as the check character
    }

    [Fact]
    public void AWellFormedCardHasTheResidentLayoutAValidNumberAndTheBirthOfItsNumber()
    {
        var ok = ResidentIdCard.Check("11010519491231002x", "19491231", ' ', "20200101", "长期", ReadAt);
        Assert.True(ok.WellFormed);
        Assert.Equal("11010519491231002X", ok.Number);
        Assert.True(ok.Valid);

        foreach (var flag in new[] { 'I', 'J', 'Y', '\0' })
        {
            var other = ResidentIdCard.Check("11010519491231002X", "19491231", flag, "20200101", "长期", ReadAt);
            Assert.False(other.WellFormed);
            Assert.Null(other.Number);
        }

        Assert.False(ResidentIdCard.Check("11010519491231002X", "19491230", ' ', "20200101", "长期", ReadAt).WellFormed);
        Assert.False(ResidentIdCard.Check("110105194912310021", "19491231", ' ', "20200101", "长期", ReadAt).WellFormed);
        Assert.False(ResidentIdCard.Check("11010519491231002X", "1949123", ' ', "20200101", "长期", ReadAt).WellFormed);

        // A number whose birth digits are no date cannot match a birth field that is one.
        var noDate = ResidentIdCard.Compose("110105", new DateOnly(1949, 12, 31), 2).Remove(10, 4).Insert(10, "1332");
        var noDateNumber = noDate[..17] + Check(noDate[..17]);
        Assert.True(ResidentIdCard.IsValidNumber(noDateNumber));
        Assert.False(ResidentIdCard.Check(noDateNumber, "19491332", ' ', "20200101", "长期", ReadAt).WellFormed);
    }

    [Fact]
    public void PaddingAroundFieldsIsIgnored()
    {
        var check = ResidentIdCard.Check("11010519491231002X ", "19491231", ' ', "20200101", "长期      ", ReadAt);
        Assert.True(check.Valid);
    }

    [Fact]
    public void WellFormedFollowsTheNumberForEveryGeneratedCard() =>
        ValidNumbers.Sample(number =>
        {
            var card = ResidentIdCard.Check(number, number[6..14], ' ', "20200101", "长期", ReadAt);
            Assert.True(card.WellFormed);
            Assert.Equal(number, card.Number);
        }, iter: 2_000);

    [Theory]
    [InlineData("2026-11-25T08:00:00Z", "20261125", "20361125", true)]
    [InlineData("2026-11-24T15:59:59Z", "20261125", "长期", false)] // 23:59:59 of the 24th in Beijing
    [InlineData("2026-11-24T16:00:00Z", "20261125", "长期", true)] // 00:00 of the 25th in Beijing: the first day counts
    [InlineData("2036-11-25T15:59:59Z", "20261125", "20361125", true)] // the last day counts, to its end in Beijing
    [InlineData("2036-11-25T16:00:00Z", "20261125", "20361125", false)]
    [InlineData("2099-01-01T00:00:00Z", "20261125", "长期", true)]
    [InlineData("2026-11-25T08:00:00+08:00", "20261125", "20261125", true)]
    [InlineData("2026-11-25T08:00:00Z", "20261125", "20261124", false)] // ends before it starts
    [InlineData("2026-11-25T08:00:00Z", "2026112", "长期", false)]
    [InlineData("2026-11-25T08:00:00Z", "20261131", "长期", false)] // no such day
    [InlineData("2026-11-25T08:00:00Z", "20200101", "2030013X", false)]
    [InlineData("2026-11-25T08:00:00Z", "20200101", "长", false)]
    [InlineData("2026-11-25T08:00:00Z", "20200101", "", false)]
    [InlineData("2026-11-25T08:00:00Z", "", "长期", false)]
    [InlineData("2026-11-25T08:00:00Z", "２０２０0101", "长期", false)] // full-width digits are not digits here
    public void InDateIsTodayInChinaStandardTimeWithinTheValidity(string readAt, string from, string to, bool expected)
    {
        var at = DateTimeOffset.Parse(readAt, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(expected, ResidentIdCard.IsInDate(from, to, at));
        Assert.Equal(expected, ResidentIdCard.Check("11010519491231002X", "19491231", ' ', from, to, at).InDate);
    }

    [Fact]
    public void ExtremeInstantsDoNotThrow()
    {
        Assert.Equal(DateOnly.MaxValue, ResidentIdCard.ChinaDate(DateTimeOffset.MaxValue));
        Assert.Equal(new DateOnly(1, 1, 1), ResidentIdCard.ChinaDate(DateTimeOffset.MinValue));
        Assert.True(ResidentIdCard.IsInDate("20200101", "长期", DateTimeOffset.MaxValue));
        Assert.False(ResidentIdCard.IsInDate("20200101", "长期", DateTimeOffset.MinValue));
    }

    [Fact]
    public void NullAndGarbageFieldsAreNeitherWellFormedNorInDate()
    {
        var none = ResidentIdCard.Check(null, null, ' ', null, null, ReadAt);
        Assert.False(none.WellFormed);
        Assert.False(none.InDate);
        Gen.Select(Gen.String, Gen.String, Gen.Char, Gen.String, Gen.String).Sample((number, birth, flag, from, to) =>
        {
            var check = ResidentIdCard.Check(number, birth, flag, from, to, ReadAt);
            Assert.Equal(check.WellFormed, check.Number is not null);
            Assert.Equal(ResidentIdCard.IsInDate(from, to, ReadAt), check.InDate);
        }, iter: 2_000);
    }

    [Fact]
    public void ToStringNamesNoNumber() =>
        Assert.DoesNotContain("1101", ResidentIdCard.Check("11010519491231002X", "19491231", ' ', "20200101", "长期", ReadAt).ToString());

    [Fact]
    public void ComposeRefusesBadParts()
    {
        Assert.Throws<ArgumentException>(() => ResidentIdCard.Compose("11010", new DateOnly(2000, 1, 1), 1));
        Assert.Throws<ArgumentException>(() => ResidentIdCard.Compose("11010a", new DateOnly(2000, 1, 1), 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => ResidentIdCard.Compose("110105", new DateOnly(2000, 1, 1), 1000));
    }

    private static char Check(string first17)
    {
        Assert.True(ResidentIdCard.TryCheckCharacter(first17, out var check));
        Assert.Equal(IsoMod112(first17), check);
        return check;
    }
}
