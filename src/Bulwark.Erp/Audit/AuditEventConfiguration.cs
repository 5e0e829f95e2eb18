using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.Audit;

internal sealed class AuditEventConfiguration : IEntityTypeConfiguration<AuditEvent>
{
    public void Configure(EntityTypeBuilder<AuditEvent> builder)
    {
        builder.ToTable("audit_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedNever();
        builder.Property(e => e.Type).HasMaxLength(100).IsRequired();
        builder.Property(e => e.Outcome).HasMaxLength(20).IsRequired();
        builder.Property(e => e.ActorId).HasMaxLength(64);
        builder.Property(e => e.ClientIp).HasMaxLength(64);
        builder.Property(e => e.Resource).HasMaxLength(512);
        builder.Property(e => e.Action).HasMaxLength(100);
        builder.Property(e => e.Reason).HasMaxLength(512);
        builder.Property(e => e.TraceId).HasMaxLength(64);
        builder.Property(e => e.PreviousHash).HasMaxLength(128);
        builder.Property(e => e.Hash).HasMaxLength(128);
        builder.HasIndex(e => e.Sequence).IsUnique();
        builder.HasIndex(e => new { e.TenantId, e.Time });
    }
}
