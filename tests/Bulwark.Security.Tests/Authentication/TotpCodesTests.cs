using Bulwark.Security.Authentication;

namespace Bulwark.Security.Tests.Authentication;

/// <summary>AUTH-8: RFC 6238 codes, the ±1 step window (and which step matched), and recovery-code normalization.</summary>
[Trait("Control", "AUTH-8")]
public sealed class TotpCodesTests
{
    // RFC 6238 appendix B: the SHA-1 seed "12345678901234567890" (ASCII), base32 here; 6-digit codes are the last 6 digits.
    private const string RfcSecret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    [Theory]
    [InlineData(59, "287082")]
    [InlineData(1111111109, "081804")]
    [InlineData(1234567890, "005924")]
    [InlineData(2000000000, "279037")]
    public void Compute_MatchesTheRfcVectors(long unixSeconds, string expected) =>
        Assert.Equal(expected, TotpCodes.Compute(RfcSecret, DateTimeOffset.FromUnixTimeSeconds(unixSeconds)));

    [Fact]
    public void Verify_AcceptsThePreviousCurrentAndNextStep_AndReturnsIt()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_015);   // 15 s into step 60,000,000
        const long step = 60_000_000;
        for (var offset = -1; offset <= 1; offset++)
        {
            var code = TotpCodes.Compute(RfcSecret, DateTimeOffset.FromUnixTimeSeconds((step + offset) * 30));
            Assert.Equal(step + offset, TotpCodes.Verify(RfcSecret, code, now));
        }

        Assert.Null(TotpCodes.Verify(RfcSecret, TotpCodes.Compute(RfcSecret, DateTimeOffset.FromUnixTimeSeconds((step + 2) * 30)), now));
        Assert.Null(TotpCodes.Verify(RfcSecret, TotpCodes.Compute(RfcSecret, DateTimeOffset.FromUnixTimeSeconds((step - 2) * 30)), now));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("12345")]
    [InlineData("1234567")]
    [InlineData("12345a")]
    [InlineData("١٢٣٤٥٦")]   // non-ASCII digits
    public void Verify_RefusesWhatIsNotSixAsciiDigits(string? code) =>
        Assert.Null(TotpCodes.Verify(RfcSecret, code, DateTimeOffset.UtcNow));

    [Fact]
    public void NewSecret_Is160BitsOfBase32_AndNeverRepeats()
    {
        var secrets = Enumerable.Range(0, 100).Select(_ => TotpCodes.NewSecret()).ToList();
        Assert.All(secrets, s => Assert.Matches("^[A-Z2-7]{32}$", s));
        Assert.Equal(100, secrets.Distinct().Count());
    }

    [Fact]
    public void RecoveryCodes_HashTheSameHoweverTyped_AndRejectWhatCannotBeOne()
    {
        var codes = TotpCodes.NewRecoveryCodes(10);
        Assert.Equal(10, codes.Distinct().Count());
        var code = codes[0];
        Assert.Matches("^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$", code);
        var hash = TotpCodes.HashRecoveryCode(code)!;
        Assert.Equal(32, hash.Length);
        Assert.Equal(hash, TotpCodes.HashRecoveryCode(code.ToUpperInvariant()));
        Assert.Equal(hash, TotpCodes.HashRecoveryCode(code.Replace("-", " ", StringComparison.Ordinal)));
        Assert.Equal(hash, TotpCodes.HashRecoveryCode(code.Replace("-", "", StringComparison.Ordinal)));
        Assert.NotEqual(hash, TotpCodes.HashRecoveryCode(codes[1]));

        Assert.Null(TotpCodes.HashRecoveryCode(null));
        Assert.Null(TotpCodes.HashRecoveryCode(code[..^1]));              // too short
        Assert.Null(TotpCodes.HashRecoveryCode(code + "a"));               // too long
        Assert.Null(TotpCodes.HashRecoveryCode("0000-0000-0000"));         // not in the alphabet
        Assert.Null(TotpCodes.HashRecoveryCode(new string('a', 40)));
    }
}
