//! Reading columns the same way from SQLite and PostgreSQL rows. Booleans are
//! INTEGER on SQLite and BOOLEAN on PostgreSQL; uuids and JSON are TEXT on both.

use crate::db_err;
use fyr_store::StoreError;
use sqlx::Row;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use uuid::Uuid;

pub(crate) trait RowExt {
    fn i64(&self, col: &str) -> Result<i64, StoreError>;
    fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError>;
    fn text(&self, col: &str) -> Result<String, StoreError>;
    fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError>;
    fn boolean(&self, col: &str) -> Result<bool, StoreError>;
    /// A BLOB (SQLite) or BYTEA (PostgreSQL).
    fn bytes(&self, col: &str) -> Result<Vec<u8>, StoreError>;

    fn uuid(&self, col: &str) -> Result<Uuid, StoreError> {
        let s = self.text(col)?;
        Uuid::parse_str(&s).map_err(|e| StoreError::Backend(format!("column {col} holds a bad uuid {s:?}: {e}")))
    }

    /// A JSON array of strings stored as TEXT.
    fn string_list(&self, col: &str) -> Result<Vec<String>, StoreError> {
        let s = self.text(col)?;
        serde_json::from_str(&s).map_err(|e| StoreError::Backend(format!("column {col} holds bad JSON: {e}")))
    }
}

macro_rules! impl_rowext {
    ($row:ty, $bool:expr) => {
        impl RowExt for $row {
            fn i64(&self, col: &str) -> Result<i64, StoreError> {
                self.try_get::<i64, _>(col).map_err(db_err)
            }
            fn opt_i64(&self, col: &str) -> Result<Option<i64>, StoreError> {
                self.try_get::<Option<i64>, _>(col).map_err(db_err)
            }
            fn text(&self, col: &str) -> Result<String, StoreError> {
                self.try_get::<String, _>(col).map_err(db_err)
            }
            fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
                self.try_get::<Option<String>, _>(col).map_err(db_err)
            }
            fn bytes(&self, col: &str) -> Result<Vec<u8>, StoreError> {
                self.try_get::<Vec<u8>, _>(col).map_err(db_err)
            }
            fn boolean(&self, col: &str) -> Result<bool, StoreError> {
                #[allow(clippy::redundant_closure_call)]
                ($bool)(self, col)
            }
        }
    };
}

impl_rowext!(SqliteRow, |r: &SqliteRow, col: &str| r.try_get::<i64, _>(col).map(|v| v != 0).map_err(db_err));
impl_rowext!(PgRow, |r: &PgRow, col: &str| r.try_get::<bool, _>(col).map_err(db_err));
