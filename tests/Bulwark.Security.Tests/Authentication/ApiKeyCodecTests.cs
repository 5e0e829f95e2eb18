using System.Security.Cryptography;
using System.Text;
using Bulwark.Security.Authentication;

namespace Bulwark.Security.Tests.Authentication;

/// <summary>AUTH-9: the key format is parsed strictly (anything else never reaches the database) and only a hash is kept.</summary>
[Trait("Control", "AUTH-9")]
public sealed class ApiKeyCodecTests
{
    [Fact]
    public void Create_GivesA256BitSecret_WhoseHashMatches_AndNoOtherSecretDoes()
    {
        var (key, prefix, hash) = ApiKeyCodec.Create();

        Assert.Matches("^bwk_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", key);
        Assert.True(ApiKeyCodec.TryParse(key, out var parsedPrefix, out var secret));
        Assert.Equal(prefix, parsedPrefix);
        Assert.Equal(SHA256.HashData(Encoding.ASCII.GetBytes(secret)), hash);
        Assert.True(ApiKeyCodec.Matches(secret, hash));
        var other = ApiKeyCodec.Create().Key[(ApiKeyCodec.PrefixLength + 1)..];
        Assert.False(ApiKeyCodec.Matches(other, hash));
        Assert.NotEqual(key, ApiKeyCodec.Create().Key);
    }

    private const string Valid = "bwk_0123456789ab_" + "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA-_A"; // 17 + 43

    public static TheoryData<string> Malformed() => new(
        "",
        "bwk_",
        Valid[..^1],                                    // secret one short
        Valid + "A",                                    // one long
        Valid.Replace("ab_", "AB_", StringComparison.Ordinal),   // upper-case hex
        Valid.Replace("ab_", "ag_", StringComparison.Ordinal),   // not hex
        "bwk-" + Valid[4..],                            // marker
        Valid[..16] + "-" + Valid[17..],                // separator
        Valid[..^1] + "=",                              // padding
        Valid[..^1] + "\u00e9",                         // non-ASCII
        Valid[..^4] + "' OR");                          // injection text

    [Theory]
    [MemberData(nameof(Malformed))]
    public void TryParse_RefusesAnythingNotExactlyTheFormat(string presented) =>
        Assert.False(ApiKeyCodec.TryParse(presented, out _, out _));

    [Fact]
    public void TryParse_AcceptsTheFormat()
    {
        Assert.Equal(ApiKeyCodec.KeyLength, Valid.Length);
        Assert.True(ApiKeyCodec.TryParse(Valid, out var prefix, out var secret));
        Assert.Equal("bwk_0123456789ab", prefix);
        Assert.Equal(Valid[17..], secret);
    }
}
