using System.Security.Cryptography;
using Bulwark.Security.Crypto;

namespace Bulwark.Security.Tests.Crypto;

/// <summary>DATA-1: envelope round trip, key ids, integrity (tampering, relabelling, moving), blind index.</summary>
[Trait("Control", "DATA-1")]
public sealed class FieldCipherTests
{
    private static readonly byte[] Master = RandomNumberGenerator.GetBytes(32);

    [Fact]
    public void Encrypt_ThenDecrypt_RoundTripsAndNamesTheActiveKeyId()
    {
        var cipher = new FieldCipher(Master, activeKeyId: 3);
        var envelope = cipher.Encrypt("756.1234.5678.97", "employee.nationalId");
        Assert.StartsWith("bwk1:3:", envelope, StringComparison.Ordinal);
        Assert.DoesNotContain("1234", envelope, StringComparison.Ordinal);
        Assert.Equal(3, FieldCipher.KeyIdOf(envelope));
        Assert.Equal("756.1234.5678.97", cipher.Decrypt(envelope, "employee.nationalId"));
    }

    [Fact]
    public void Encrypt_SameValueTwice_GivesDifferentCiphertexts()
    {
        var cipher = new FieldCipher(Master, 1);
        Assert.NotEqual(cipher.Encrypt("DE89370400440532013000", "employee.iban"), cipher.Encrypt("DE89370400440532013000", "employee.iban"));
    }

    [Fact]
    public void Decrypt_ValueUnderAnOlderKeyId_StillReadableAfterTheActiveIdIsRaised()
    {
        var old = new FieldCipher(Master, 1).Encrypt("5200050", "employee.salary");
        Assert.Equal("5200050", new FieldCipher(Master, 2).Decrypt(old, "employee.salary"));
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("relabel")]
    [InlineData("truncate")]
    [InlineData("garbage")]
    public void Decrypt_TamperedEnvelope_ThrowsIntegrityException(string tamper)
    {
        var cipher = new FieldCipher(Master, 1);
        var envelope = cipher.Encrypt("AB123456", "employee.nationalId");
        var forged = tamper switch
        {
            "flip" => Flip(envelope),
            "relabel" => envelope.Replace("bwk1:1:", "bwk1:2:", StringComparison.Ordinal),
            "truncate" => envelope[..^4],
            _ => "bwk1:1:not-base64!!",
        };
        var error = Assert.Throws<FieldIntegrityException>(() => cipher.Decrypt(forged, "employee.nationalId"));
        Assert.DoesNotContain("AB123456", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decrypt_CiphertextMovedToAnotherField_IsRejected()
    {
        var cipher = new FieldCipher(Master, 1);
        var iban = cipher.Encrypt("DE89370400440532013000", "employee.iban");
        Assert.Throws<FieldIntegrityException>(() => cipher.Decrypt(iban, "employee.nationalId"));
    }

    [Fact]
    public void Decrypt_UnderAnotherMasterKey_IsRejected()
    {
        var envelope = new FieldCipher(Master, 1).Encrypt("x", "p");
        Assert.Throws<FieldIntegrityException>(() => new FieldCipher(RandomNumberGenerator.GetBytes(32), 1).Decrypt(envelope, "p"));
    }

    [Fact]
    public void BlindIndex_IsDeterministicPerScope_AndDiffersAcrossScopesKeysAndValues()
    {
        var cipher = new FieldCipher(Master, 1);
        var a = cipher.BlindIndex("employee.nationalId", "tenant-a", "AB123456");
        Assert.Equal(a, new FieldCipher(Master, 7).BlindIndex("employee.nationalId", "tenant-a", "AB123456"));
        Assert.NotEqual(a, cipher.BlindIndex("employee.nationalId", "tenant-b", "AB123456"));
        Assert.NotEqual(a, cipher.BlindIndex("employee.nationalId", "tenant-a", "AB123457"));
        Assert.NotEqual(a, new FieldCipher(RandomNumberGenerator.GetBytes(32), 1).BlindIndex("employee.nationalId", "tenant-a", "AB123456"));
        Assert.Equal(43, a.Length);
    }

    private static string Flip(string envelope)
    {
        var chars = envelope.ToCharArray();
        var at = chars.Length - 10;
        chars[at] = chars[at] == 'A' ? 'B' : 'A';
        return new string(chars);
    }
}
