using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.Inventory;

internal sealed class ItemConfiguration : IEntityTypeConfiguration<Item>
{
    public void Configure(EntityTypeBuilder<Item> builder)
    {
        builder.ToTable("items");
        builder.Property(i => i.Sku).HasMaxLength(ItemContracts.SkuMaxLength).IsRequired();
        builder.Property(i => i.Name).HasMaxLength(ItemContracts.NameMaxLength).IsRequired();
        builder.Property(i => i.Description).HasMaxLength(ItemContracts.DescriptionMaxLength * 2);
        builder.Property(i => i.Unit).HasMaxLength(16).IsRequired();
        builder.HasIndex(i => new { i.TenantId, i.Sku }).IsUnique();
        builder.HasIndex(i => new { i.TenantId, i.Name });
    }
}
