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

internal sealed class AuditCheckpointConfiguration : IEntityTypeConfiguration<AuditCheckpoint>
{
    public void Configure(EntityTypeBuilder<AuditCheckpoint> builder)
    {
        builder.ToTable("audit_checkpoints");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
        builder.Property(c => c.Hash).HasMaxLength(128).IsRequired();
        builder.Property(c => c.KeyId).HasMaxLength(32).IsRequired();
        builder.Property(c => c.Mac).HasMaxLength(128).IsRequired();
        builder.HasIndex(c => c.Sequence);
    }
}

internal sealed class AuditTombstoneConfiguration : IEntityTypeConfiguration<AuditTombstone>
{
    public void Configure(EntityTypeBuilder<AuditTombstone> builder)
    {
        builder.ToTable("audit_tombstones");
        builder.HasKey(t => t.Sequence);
        builder.Property(t => t.Sequence).ValueGeneratedNever();
        builder.Property(t => t.Type).HasMaxLength(100).IsRequired();
        builder.Property(t => t.PreviousHash).HasMaxLength(128);
        builder.Property(t => t.Hash).HasMaxLength(128).IsRequired();
    }
}
