using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.SigningKeys;

internal sealed class SigningKeyRowConfiguration : IEntityTypeConfiguration<SigningKeyRow>
{
    public void Configure(EntityTypeBuilder<SigningKeyRow> builder)
    {
        builder.ToTable("signing_keys");
        builder.HasKey(k => k.KeyId);
        builder.Property(k => k.KeyId).HasMaxLength(64);
        builder.HasIndex(k => k.Generation).IsUnique();
        builder.Property(k => k.PublicKey).HasMaxLength(256).IsRequired();
        builder.Property(k => k.ProtectedPrivateKey).HasMaxLength(4096);
    }
}
