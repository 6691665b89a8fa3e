//! What `#[invect_table]` implements for each table, and the typed column
//! handles and filter expressions built on it.

use std::marker::PhantomData;

use invect_schema::{ColumnDef, Dialect, Extension, TableDef};

use crate::driver::{Args, RowRef};
use crate::value::{BindResult, Value};

/// A table declared with `#[invect_table]`. Implemented by the macro; the
/// query functions of the `query` module work on any `Table`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an Invect table",
    label = "not declared with #[invect_table]",
    note = "`extends`, `references` and the typed queries take structs declared with #[invect_table]"
)]
pub trait Table: Sized + Send + Sync + Unpin + 'static {
    /// The insert shape: defaulted columns are `Option`s, `None` meaning "use
    /// the default".
    type New: Send + Sync;
    /// The primary key: the key column's type, or a tuple for a composite key.
    type Key: Send + Sync;
    /// The table's name.
    const NAME: &'static str;
    /// The table's metadata.
    const DEF: &'static TableDef;
    /// Fills the defaults the client supplies in dialect `d` (UUIDs where the
    /// database has no function or no `RETURNING`).
    fn prepare_new(new: &mut Self::New, d: &dyn Dialect);
    /// Binds every column of a new row, in declared order.
    fn bind_new(new: &Self::New, args: &mut Args) -> BindResult;
    /// The key of a new row, when every key column has a value.
    fn new_key(new: &Self::New) -> Option<Self::Key>;
    /// Binds the key columns, in key order.
    fn bind_key(key: &Self::Key, args: &mut Args) -> BindResult;
    /// Binds the new row's value of column `column` (its index in `DEF`).
    fn bind_new_column(new: &Self::New, column: usize, args: &mut Args) -> BindResult;
    /// The row's primary key.
    fn key(&self) -> Self::Key;
    /// Binds the non-key columns, then the key columns (for `update`).
    fn bind_update(&self, args: &mut Args) -> BindResult;
    /// Decodes a row selected with the table's `select` statement (every column, in declared order).
    fn decode(row: RowRef<'_>) -> Result<Self, sqlx::Error>;
    /// The row an insert of `new` stored: `new`'s values as the database
    /// keeps them, and the defaulted columns decoded from `generated` (every
    /// column with a default, in declared order; `None` when there is none).
    fn from_insert(new: Self::New, generated: Option<RowRef<'_>>) -> Result<Self, sqlx::Error>;
}

/// A typed column handle, like `flows::name`.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a column handle",
    label = "expected `table_module::column`",
    note = "`references` and filters take a column handle from a table's module, e.g. `flows::id`"
)]
pub trait Column: Copy + Send + Sync + 'static {
    type Table: Table;
    /// The field's type (an `Option` for a nullable column).
    type Value: Value + 'static;
    /// The type compared against in filters (the `Option`'s inner type).
    type Param: Value + 'static;
    /// The column's name.
    const NAME: &'static str;
    /// The column's metadata.
    const DEF: &'static ColumnDef;
}

/// Columns that `#[invect_table(extends = Target)]` adds to another table.
#[diagnostic::on_unimplemented(message = "`{Self}` is not an Invect table extension")]
pub trait TableExtension: Sized + Send + Sync + Unpin + 'static {
    /// The extended table.
    type Target: Table;
    /// The added columns and indexes.
    const EXTENSION: &'static Extension;
    /// Binds the added columns, in declared order.
    fn bind(&self, args: &mut Args) -> BindResult;
    /// Decodes the added columns, selected in declared order.
    fn decode(row: RowRef<'_>) -> Result<Self, sqlx::Error>;
}

/// Marks column types that `like` applies to.
pub trait Text {}
impl Text for String {}

/// Marks column types that sort the same way on every dialect, so `lt`,
/// `le`, `gt`, `ge`, `asc` and `desc` apply. Enums are left out: SQLite
/// stores them as text and would sort alphabetically, not in declared order.
#[diagnostic::on_unimplemented(
    message = "`{Self}` columns cannot be compared with <, >, or sorted",
    note = "enums and JSON sort differently across SQLite, PostgreSQL and MySQL; filter them with eq, ne or in_list"
)]
pub trait Ordered {}
impl Ordered for String {}
impl Ordered for i32 {}
impl Ordered for i64 {}
impl Ordered for bool {}
impl Ordered for chrono::DateTime<chrono::Utc> {}
impl Ordered for uuid::Uuid {}

/// A filter on table `T`'s rows.
pub struct Expr<T> {
    pub(crate) node: Node,
    _table: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for Expr<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Expr").finish_non_exhaustive()
    }
}

pub(crate) enum Node {
    Cmp {
        col: &'static ColumnDef,
        op: &'static str,
        value: Box<dyn Value>,
    },
    Null {
        col: &'static ColumnDef,
        negated: bool,
    },
    Like {
        col: &'static ColumnDef,
        pattern: String,
    },
    In {
        col: &'static ColumnDef,
        values: Vec<Box<dyn Value>>,
    },
    And(Box<Node>, Box<Node>),
    Or(Box<Node>, Box<Node>),
    Not(Box<Node>),
    All,
}

impl<T> Expr<T> {
    pub(crate) fn new(node: Node) -> Self {
        Expr {
            node,
            _table: PhantomData,
        }
    }

    /// Matches every row (for an explicit "update or delete everything").
    pub fn all() -> Self {
        Expr::new(Node::All)
    }

    /// Both conditions.
    pub fn and(self, other: Expr<T>) -> Self {
        Expr::new(Node::And(Box::new(self.node), Box::new(other.node)))
    }

    /// Either condition.
    pub fn or(self, other: Expr<T>) -> Self {
        Expr::new(Node::Or(Box::new(self.node), Box::new(other.node)))
    }

    /// The opposite condition.
    #[allow(clippy::should_implement_trait)]
    pub fn not(self) -> Self {
        Expr::new(Node::Not(Box::new(self.node)))
    }
}

/// A sort key: a column, ascending or descending.
#[derive(Debug, Clone, Copy)]
pub struct Order<T> {
    pub(crate) col: &'static ColumnDef,
    pub(crate) desc: bool,
    _table: PhantomData<fn() -> T>,
}

impl<T> Order<T> {
    pub(crate) fn new(col: &'static ColumnDef, desc: bool) -> Self {
        Order {
            col,
            desc,
            _table: PhantomData,
        }
    }
}
