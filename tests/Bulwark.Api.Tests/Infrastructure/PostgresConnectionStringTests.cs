using Bulwark.Erp.Data;
using Npgsql;

namespace Bulwark.Api.Tests.Infrastructure;

/// <summary>Issue 7: the request path's PostgreSQL connection prepares repeated statements unless the operator decided otherwise.</summary>
public sealed class PostgresConnectionStringTests
{
    [Fact]
    public void WithoutTheSetting_AutoPrepareIsOn_AndEverythingElseIsKept()
    {
        var result = new NpgsqlConnectionStringBuilder(ErpServiceCollectionExtensions.PostgresConnectionString(
            "Host=db;Database=erp;Username=bulwark_app;Password=s3cret-pass;SSL Mode=VerifyFull"));

        Assert.Equal(64, result.MaxAutoPrepare);
        Assert.Equal("db", result.Host);
        Assert.Equal("s3cret-pass", result.Password);
        Assert.Equal(SslMode.VerifyFull, result.SslMode);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=8", 8)]
    [InlineData("Host=db;max auto prepare=16", 16)]
    public void TheOperatorsSetting_IsKept_InEitherSpelling(string configured, int expected)
    {
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(ErpServiceCollectionExtensions.PostgresConnectionString(configured)).MaxAutoPrepare);
    }
}
