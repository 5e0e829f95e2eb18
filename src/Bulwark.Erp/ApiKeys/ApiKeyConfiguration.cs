using Bulwark.Erp.Data;
using Bulwark.Erp.Users;
using Bulwark.Security.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.ApiKeys;

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.Property(k => k.Name).HasMaxLength(ApiKey.MaxNameLength).IsRequired();
        builder.Property(k => k.Prefix).HasMaxLength(ApiKeyCodec.PrefixLength).IsRequired();
        builder.Property(k => k.SecretHash).HasMaxLength(32).IsRequired();
        builder.Property(k => k.Permissions).HasCommaSeparatedConversion().HasMaxLength(1000).IsRequired();
        builder.HasOne<User>().WithMany().HasForeignKey(k => k.CreatedByUserId).OnDelete(DeleteBehavior.Cascade);
        // AUTH-9: authentication finds the key by its prefix, before any tenant is known.
        builder.HasIndex(k => k.Prefix).IsUnique();
        builder.HasIndex(k => new { k.TenantId, k.CreatedAt });
    }
}
