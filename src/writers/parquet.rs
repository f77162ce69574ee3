//! The tidy table as Parquet (`export --format parquet`): the CSV's columns, in its order,
//! typed — the ids and labels dictionary-encoded strings, the year a 16-bit integer, the
//! value a float64 — and then `value_text`, the value as the CSV prints it (exact where a
//! float64 is not: past 2^53, or a decimal fraction). An empty CSV field is a null.
//! Snappy-compressed, written whole in row groups of [`ROWS_PER_GROUP`]; the same rows give
//! the same bytes.

use std::io::{self, Write};
use std::sync::Arc;

use ::parquet::arrow::ArrowWriter;
use ::parquet::basic::Compression;
use ::parquet::file::properties::WriterProperties;
use arrow_array::builder::{Float64Builder, Int16Builder, StringBuilder, StringDictionaryBuilder};
use arrow_array::types::Int32Type;
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Field, Schema};

use super::export::{TidyRow, COLUMNS};

/// Rows per row group (and per Arrow batch held in memory while writing).
pub const ROWS_PER_GROUP: usize = 65_536;

/// The name of the column after the CSV's: the value's printed text.
pub const VALUE_TEXT: &str = "value_text";

/// How each CSV column is typed.
#[derive(Clone, Copy)]
enum Kind {
    /// Repeated text (ids, labels, names): dictionary-encoded.
    Dictionary,
    /// Text that rarely repeats.
    Text,
    Year,
    Value,
}

fn kind(column: &str) -> Kind {
    match column {
        "year" => Kind::Year,
        "value" => Kind::Value,
        "candidates" | "src" => Kind::Text,
        _ => Kind::Dictionary,
    }
}

/// The Arrow schema of the file: the CSV's columns, then [`VALUE_TEXT`].
pub fn schema() -> Schema {
    let dictionary = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let mut fields: Vec<Field> = COLUMNS
        .iter()
        .map(|&name| {
            let data_type = match kind(name) {
                Kind::Dictionary => dictionary.clone(),
                Kind::Text => DataType::Utf8,
                Kind::Year => DataType::Int16,
                Kind::Value => DataType::Float64,
            };
            Field::new(name, data_type, true)
        })
        .collect();
    fields.push(Field::new(VALUE_TEXT, DataType::Utf8, true));
    Schema::new(fields)
}

/// Writes the tidy rows ([`super::export::tidy_rows`]) as one Parquet file.
pub fn write_parquet<W: Write + Send>(out: W, rows: &[TidyRow]) -> io::Result<()> {
    let schema = Arc::new(schema());
    let props = WriterProperties::builder()
        .set_compression(Compression::SNAPPY)
        .set_max_row_group_row_count(Some(ROWS_PER_GROUP))
        .build();
    let mut writer =
        ArrowWriter::try_new(out, Arc::clone(&schema), Some(props)).map_err(io::Error::other)?;
    for chunk in rows.chunks(ROWS_PER_GROUP) {
        let batch =
            RecordBatch::try_new(Arc::clone(&schema), columns(chunk)).map_err(io::Error::other)?;
        writer.write(&batch).map_err(io::Error::other)?;
    }
    writer.close().map_err(io::Error::other)?;
    Ok(())
}

/// One Arrow array per column of the schema, for these rows.
fn columns(rows: &[TidyRow]) -> Vec<ArrayRef> {
    let field = |row: &TidyRow, i: usize| -> Option<String> {
        let v = &row[i];
        (!v.is_empty()).then(|| v.clone())
    };
    let mut arrays: Vec<ArrayRef> = COLUMNS
        .iter()
        .enumerate()
        .map(|(i, &name)| -> ArrayRef {
            match kind(name) {
                Kind::Dictionary => {
                    let mut b = StringDictionaryBuilder::<Int32Type>::new();
                    for row in rows {
                        b.append_option(field(row, i));
                    }
                    Arc::new(b.finish())
                }
                Kind::Text => {
                    let mut b = StringBuilder::new();
                    for row in rows {
                        b.append_option(field(row, i));
                    }
                    Arc::new(b.finish())
                }
                // A year is four digits, a value a normalised decimal: what does not parse
                // (nothing the writers make) is left null rather than guessed.
                Kind::Year => {
                    let mut b = Int16Builder::new();
                    for row in rows {
                        b.append_option(row[i].parse::<i16>().ok());
                    }
                    Arc::new(b.finish())
                }
                Kind::Value => {
                    let mut b = Float64Builder::new();
                    for row in rows {
                        b.append_option(row[i].parse::<f64>().ok());
                    }
                    Arc::new(b.finish())
                }
            }
        })
        .collect();
    let value = COLUMNS.iter().position(|&c| c == "value").unwrap_or(11);
    let mut text = StringBuilder::new();
    for row in rows {
        text.append_option(field(row, value));
    }
    arrays.push(Arc::new(text.finish()));
    arrays
}

#[cfg(test)]
mod tests {
    use super::*;
    use ::parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int16Type};
    use arrow_array::Array;

    fn row(year: &str, value: &str, status: &str) -> TidyRow {
        let mut r: TidyRow = Default::default();
        for (i, c) in COLUMNS.iter().enumerate() {
            r[i] = format!("{c}-x");
        }
        r[3] = String::new(); // issuer unknown
        r[4] = year.into();
        r[11] = value.into();
        r[13] = status.into();
        r[14] = String::new();
        r
    }

    #[test]
    fn rows_read_back_typed_with_empty_fields_null_and_the_value_text_exact() {
        let rows = vec![
            row("2023", "7730.28", ""),
            row("2023", "123456789012345678", ""),
            row("", "", "blank"),
        ];
        let mut bytes = Vec::new();
        write_parquet(&mut bytes, &rows).unwrap();
        let mut again = Vec::new();
        write_parquet(&mut again, &rows).unwrap();
        assert_eq!(bytes, again, "the same rows give the same bytes");
        let mut file = tempfile::tempfile().unwrap();
        file.write_all(&bytes).unwrap();
        let reader = ParquetRecordBatchReaderBuilder::try_new(file)
            .unwrap()
            .build()
            .unwrap();
        let batches: Vec<RecordBatch> = reader.map(Result::unwrap).collect();
        assert_eq!(batches.len(), 1);
        let b = &batches[0];
        assert_eq!(b.schema().fields().len(), COLUMNS.len() + 1);
        assert_eq!(b.schema().field(15).name(), "src");
        assert_eq!(b.schema().field(COLUMNS.len()).name(), VALUE_TEXT);
        assert!(matches!(
            b.column(0).data_type(),
            DataType::Dictionary(_, _)
        ));
        let years = b.column(4).as_primitive::<Int16Type>();
        assert_eq!((years.value(0), years.is_null(2)), (2023, true));
        let values = b.column(11).as_primitive::<Float64Type>();
        assert_eq!(values.value(0), 7730.28);
        assert!(values.is_null(2));
        let text = b.column(COLUMNS.len()).as_string::<i32>();
        assert_eq!(text.value(1), "123456789012345678");
        assert!(b.column(3).is_null(0), "an empty issuer is null");
        assert!(b.column(14).is_null(0));
    }
}
