using Bulwark.Erp.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Bulwark.Erp.Sessions;

internal sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> builder)
    {
        builder.ToTable("sessions");
        builder.Ignore(s => s.Sid);
        builder.HasOne<User>().WithMany().HasForeignKey(s => s.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.Property(s => s.RevokedReason).HasMaxLength(32);
        builder.Property(s => s.UserAgent).HasMaxLength(Session.MaxUserAgentLength);
        builder.Property(s => s.IpAddress).HasMaxLength(45);
        builder.HasIndex(s => new { s.UserId, s.RevokedAt });
        // AUTH-6: loaded at start — revoked sessions not yet past their absolute end.
        builder.HasIndex(s => new { s.RevokedAt, s.AbsoluteExpiresAt });
    }
}
