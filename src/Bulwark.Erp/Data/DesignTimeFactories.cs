using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Bulwark.Erp.Data;

/// <summary>For <c>dotnet ef migrations add … --context SqliteBulwarkDbContext</c> (no connection is opened).</summary>
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteBulwarkDbContext>
{
    public SqliteBulwarkDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteBulwarkDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>For <c>dotnet ef migrations add … --context PostgresBulwarkDbContext</c> (no connection is opened).</summary>
internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresBulwarkDbContext>
{
    public PostgresBulwarkDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresBulwarkDbContext>().UseNpgsql("Host=localhost;Database=bulwark_design").Options);
}
