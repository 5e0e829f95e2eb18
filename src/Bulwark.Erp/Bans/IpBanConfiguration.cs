using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.Bans;

internal sealed class IpBanConfiguration : IEntityTypeConfiguration<IpBan>
{
    public void Configure(EntityTypeBuilder<IpBan> builder)
    {
        builder.ToTable("ip_bans");
        builder.HasKey(b => b.Key);
        builder.Property(b => b.Key).HasMaxLength(IpBan.MaxKeyLength);
        builder.Property(b => b.Address).HasMaxLength(IpBan.MaxKeyLength);
        builder.Property(b => b.Reason).HasMaxLength(32);
        builder.Property(b => b.LiftedBy).HasMaxLength(128);
        // BAN-1: every instance reloads the active bans every few seconds.
        builder.HasIndex(b => new { b.LiftedAt, b.ExpiresAt });
    }
}
