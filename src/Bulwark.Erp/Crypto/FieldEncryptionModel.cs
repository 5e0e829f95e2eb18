using System.Globalization;
using Bulwark.Security.Crypto;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Bulwark.Erp.Crypto;

/// <summary>
/// DATA-1 in the EF model. Entity configurations mark properties <see cref="IsEncrypted{T}"/> and declare a
/// <see cref="HasBlindIndex{T}"/> and <see cref="HasDataKeyId{T}"/>; <see cref="UseFieldEncryption"/> (run by the
/// DbContext after every configuration) turns the marks into value converters bound to the host's
/// <see cref="FieldCipher"/>. Service code reads and writes clear values; only envelopes reach the database.
/// </summary>
public static class FieldEncryptionModel
{
    /// <summary>Shadow column: the data key id the row's encrypted values were last written with (rotation scans it).</summary>
    public const string DataKeyIdProperty = "DataKeyId";

    /// <summary>Room for an envelope of a 300-byte value: "bwk1:" + id + ":" + base64url(12 + n + 16).</summary>
    public const int EnvelopeMaxLength = 512;

    internal const string EncryptedAnnotation = "Bulwark:EncryptedPurpose";
    internal const string BlindIndexAnnotation = "Bulwark:BlindIndexOf";

    /// <summary>Stores this property AES-256-GCM encrypted, bound to <paramref name="purpose"/> (e.g. <c>employee.nationalId</c>).</summary>
    public static PropertyBuilder<T> IsEncrypted<T>(this PropertyBuilder<T> property, string purpose)
    {
        ArgumentNullException.ThrowIfNull(property);
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return property.HasAnnotation(EncryptedAnnotation, purpose);
    }

    /// <summary>
    /// A shadow column <c>{property}Index</c> holding the keyed HMAC of the clear value, scoped per tenant,
    /// with a (TenantId, index) database index: exact-match lookup without decrypting (see <see cref="BlindIndexQueryExtensions"/>).
    /// </summary>
    public static EntityTypeBuilder<T> HasBlindIndex<T>(this EntityTypeBuilder<T> entity, string sourceProperty, string purpose)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        var name = sourceProperty + "Index";
        entity.Property<string?>(name).HasMaxLength(64).HasAnnotation(BlindIndexAnnotation, sourceProperty + "|" + purpose);
        entity.HasIndex("TenantId", name);
        return entity;
    }

    /// <summary>The shadow <see cref="DataKeyIdProperty"/> column (indexed) that key rotation uses to find rows still under old keys.</summary>
    public static EntityTypeBuilder<T> HasDataKeyId<T>(this EntityTypeBuilder<T> entity)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        entity.Property<int?>(DataKeyIdProperty);
        entity.HasIndex(DataKeyIdProperty);
        return entity;
    }

    /// <summary>Binds every encrypted property to <paramref name="cipher"/> (null at design time: converting throws).</summary>
    public static ModelBuilder UseFieldEncryption(this ModelBuilder modelBuilder, FieldCipher? cipher)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(t => t.GetDeclaredProperties()))
        {
            if (property.FindAnnotation(EncryptedAnnotation)?.Value is string purpose)
            {
                property.SetValueConverter(ConverterFor(property.ClrType, cipher, purpose));
                property.SetMaxLength(EnvelopeMaxLength);
            }
        }

        return modelBuilder;
    }

    /// <summary>The encrypted properties of an entity type (with their purposes).</summary>
    internal static IReadOnlyList<(IProperty Property, string Purpose)> EncryptedProperties(IEntityType entityType) =>
        entityType.GetProperties()
            .Select(p => (Property: p, Purpose: p.FindAnnotation(EncryptedAnnotation)?.Value as string))
            .Where(p => p.Purpose is not null)
            .Select(p => (p.Property, p.Purpose!))
            .ToList();

    /// <summary>The blind-index shadow properties of an entity type: (index property, source property, purpose).</summary>
    internal static IReadOnlyList<(IProperty Index, string Source, string Purpose)> BlindIndexes(IEntityType entityType)
    {
        var indexes = new List<(IProperty, string, string)>();
        foreach (var property in entityType.GetProperties())
        {
            if (property.FindAnnotation(BlindIndexAnnotation)?.Value is string spec)
            {
                var bar = spec.IndexOf('|', StringComparison.Ordinal);
                indexes.Add((property, spec[..bar], spec[(bar + 1)..]));
            }
        }

        return indexes;
    }

    private static ValueConverter ConverterFor(Type clrType, FieldCipher? cipher, string purpose)
    {
        var type = Nullable.GetUnderlyingType(clrType) ?? clrType;
        if (type == typeof(string))
        {
            return new ValueConverter<string, string>(v => Seal(cipher, v, purpose), v => Open(cipher, v, purpose));
        }

        if (type == typeof(long))
        {
            return new ValueConverter<long, string>(
                v => Seal(cipher, v.ToString(CultureInfo.InvariantCulture), purpose),
                v => long.Parse(Open(cipher, v, purpose), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        throw new NotSupportedException($"DATA-1: encrypted properties of type {type.Name} are not supported.");
    }

    private static string Seal(FieldCipher? cipher, string value, string purpose) =>
        (cipher ?? throw NotConfigured()).Encrypt(value, purpose);

    private static string Open(FieldCipher? cipher, string value, string purpose) =>
        (cipher ?? throw NotConfigured()).Decrypt(value, purpose);

    private static InvalidOperationException NotConfigured() =>
        new("DATA-1: field encryption is not configured on this DbContext (UseBulwarkFieldEncryption).");
}
