using Lyceum.Platform.Audit;
using Lyceum.Platform.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Lyceum.Platform.Demo;

/// <summary>
/// Bulk inserts for the demo's most numerous rows (a term of attendance marks is about 160,000 for 600 students):
/// through EF's change tracker they took ~25 s, this way ~3 s — binary COPY on PostgreSQL, one prepared statement run
/// per row on SQLite (a statement with thousands of parameters was slower than either, on both). Only for <see cref="IUnaudited"/>
/// tables, as for any write that bypasses SaveChanges and so the audit interceptor. Tables, columns and value
/// conversions come from the EF model, so the rows stored are those SaveChanges would store; generated keys are left
/// to the database. Runs in the context's current transaction.
/// </summary>
public static class DemoBulkInsert
{
    public static async Task InsertAsync<T>(LyceumDbContext db, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class, IUnaudited
    {
        if (rows.Count == 0)
        {
            return;
        }

        var entity = db.Model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");
        var table = StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var sql = db.GetService<ISqlGenerationHelper>();
        var columns = entity.GetProperties()
            .Where(p => !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
            .Select(p => new Column(sql.DelimitIdentifier(p.GetColumnName(table)!), p.GetRelationalTypeMapping(), p.GetGetter(), p.IsNullable))
            .ToArray();
        var into = $"{sql.DelimitIdentifier(table.Name, table.Schema)} ({string.Join(", ", columns.Select(c => c.Name))})";
        // Left open if a transaction opened it; opened and closed here otherwise.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            if (db.Database.IsNpgsql())
            {
                await CopyAsync((NpgsqlConnection)db.Database.GetDbConnection(), into, columns, rows, cancellationToken);
            }
            else
            {
                await PreparedAsync(db, sql, into, columns, rows, cancellationToken);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task CopyAsync<T>(
        NpgsqlConnection connection, string into, Column[] columns, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        await using var writer = await connection.BeginBinaryImportAsync($"COPY {into} FROM STDIN (FORMAT BINARY)", cancellationToken);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            writer.StartRow();
            foreach (var column in columns)
            {
                // Typed writes for the common types: resolving a type by name for every value is several times slower.
                switch (column.ValueOf(row))
                {
                    case null:
                        writer.WriteNull();
                        break;
                    case int value:
                        writer.Write(value);
                        break;
                    case long value:
                        writer.Write(value);
                        break;
                    case string value:
                        writer.Write(value);
                        break;
                    case DateOnly value:
                        writer.Write(value);
                        break;
                    case TimeOnly value:
                        writer.Write(value);
                        break;
                    case bool value:
                        writer.Write(value);
                        break;
                    case var value:
                        writer.Write(value, column.Mapping.StoreTypeNameBase);
                        break;
                }
            }
        }

        await writer.CompleteAsync(cancellationToken);
    }

    private static async Task PreparedAsync<T>(
        LyceumDbContext db, ISqlGenerationHelper sql, string into, Column[] columns, IReadOnlyList<T> rows, CancellationToken cancellationToken)
        where T : class
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        command.CommandText = $"INSERT INTO {into} VALUES ({string.Join(", ", columns.Select((_, i) => sql.GenerateParameterNamePlaceholder($"p{i}")))})";
        var parameters = columns.Select((c, i) => c.Mapping.CreateParameter(command, sql.GenerateParameterName($"p{i}"), null, c.Nullable)).ToArray();
        command.Parameters.AddRange(parameters);
        await command.PrepareAsync(cancellationToken);
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            for (var i = 0; i < columns.Length; i++)
            {
                parameters[i].Value = columns[i].ValueOf(row) ?? DBNull.Value;
            }

            // SQLite's async methods complete synchronously anyway; awaiting each of 150,000 rows only adds overhead.
            command.ExecuteNonQuery();
        }
    }

    private sealed record Column(string Name, RelationalTypeMapping Mapping, IClrPropertyGetter Getter, bool Nullable)
    {
        public object? ValueOf(object row)
        {
            var value = Getter.GetClrValueUsingContainingEntity(row);
            return value is not null && Mapping.Converter is { } converter ? converter.ConvertToProvider(value) : value;
        }
    }
}
