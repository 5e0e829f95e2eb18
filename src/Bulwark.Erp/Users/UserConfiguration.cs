using Microsoft.EntityFrameworkCore;
using Bulwark.Erp.Crypto;
using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.Property(u => u.Email).HasMaxLength(254).IsRequired();
        builder.Property(u => u.NormalizedEmail).HasMaxLength(254).IsRequired();
        builder.Property(u => u.DisplayName).HasMaxLength(200).IsRequired();
        builder.Property(u => u.PasswordHash).HasMaxLength(512).IsRequired();
        builder.Property(u => u.Roles)
            .HasCommaSeparatedConversion()
            .HasMaxLength(200)
            .IsRequired();
        builder.HasIndex(u => new { u.TenantId, u.NormalizedEmail }).IsUnique();
        builder.Ignore(u => u.MfaEnabled);
        // AUTH-8/DATA-1: the TOTP secret is an AES-256-GCM envelope at rest.
        builder.Property(u => u.TotpSecret).IsEncrypted("user.totpSecret");
        builder.HasDataKeyId();
    }
}
