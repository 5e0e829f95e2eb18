using Bulwark.Erp.Data;
using Microsoft.EntityFrameworkCore;

namespace Bulwark.Api.Tests.Data;

/// <summary>Each provider's migration set matches the model: nobody changed an entity and forgot a migration.</summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_MigrationsMatchTheModel()
    {
        using var db = new SqliteBulwarkDbContext(
            new DbContextOptionsBuilder<SqliteBulwarkDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void Postgres_MigrationsMatchTheModel()
    {
        using var db = new PostgresBulwarkDbContext(
            new DbContextOptionsBuilder<PostgresBulwarkDbContext>().UseNpgsql("Host=127.0.0.1;Database=unused").Options);
        Assert.False(db.Database.HasPendingModelChanges());
        Assert.NotEmpty(db.Database.GetMigrations());
    }
}
