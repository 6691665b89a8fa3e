//! `bulk-cli`: `invect-cli` with a plugin of `INVECT_BULK_TABLES` tables
//! (`bulk_000`, `bulk_001`, ...; at most 300, default none, so with the
//! variable unset it is the stock binary). Each table has a key, a text
//! column and a foreign key to `flows` with its index, so pushing or
//! migrating 300 of them takes long enough for the reliability tests to
//! kill or stop the process half-way.
//!
//! The tables are built at compile time from one generic declaration rather
//! than 300 `#[invect_table]`s, to keep the build cheap; only their metadata
//! (`Table::DEF`) is real, the typed queries are never used.

use std::borrow::Cow;
use std::process::ExitCode;

use invect_runtime::schema::{ColumnDef, ColumnType, Dialect, ForeignKey, OnDelete, TableDef};
use invect_runtime::value::BindResult;
use invect_runtime::{Args, Plugin, RowRef, Table};

/// The environment variable with the number of tables.
const COUNT_VAR: &str = "INVECT_BULK_TABLES";
/// The most tables the binary declares.
const MAX: usize = 300;

/// Table `bulk_<N>` (three digits).
#[derive(Debug)]
struct Bulk<const N: usize>;

const fn name_bytes(n: usize) -> [u8; 8] {
    let mut b = *b"bulk_000";
    b[5] = b'0' + (n / 100 % 10) as u8;
    b[6] = b'0' + (n / 10 % 10) as u8;
    b[7] = b'0' + (n % 10) as u8;
    b
}

const COLUMNS: &[ColumnDef] = &[
    ColumnDef::new("id", ColumnType::STRING),
    ColumnDef {
        name: Cow::Borrowed("flow_id"),
        ty: ColumnType::STRING,
        nullable: true,
        default: None,
        unique: false,
        references: Some(ForeignKey {
            table: Cow::Borrowed("flows"),
            column: Cow::Borrowed("id"),
            on_delete: OnDelete::Cascade,
        }),
        renamed_from: None,
    },
    ColumnDef {
        name: Cow::Borrowed("note"),
        ty: ColumnType::Text,
        nullable: true,
        default: None,
        unique: false,
        references: None,
        renamed_from: None,
    },
];

impl<const N: usize> Bulk<N> {
    const BYTES: [u8; 8] = name_bytes(N);
    const TABLE_NAME: &'static str = match std::str::from_utf8(&Self::BYTES) {
        Ok(name) => name,
        Err(_) => panic!("table names are ASCII"),
    };
}

fn unused() -> sqlx::Error {
    sqlx::Error::Protocol("bulk-cli tables have no typed queries".into())
}

impl<const N: usize> Table for Bulk<N> {
    type New = ();
    type Key = ();
    const NAME: &'static str = Self::TABLE_NAME;
    const DEF: &'static TableDef = &TableDef {
        name: Cow::Borrowed(Self::TABLE_NAME),
        columns: Cow::Borrowed(COLUMNS),
        primary_key: Cow::Borrowed(&[Cow::Borrowed("id")]),
        indexes: Cow::Borrowed(&[]),
        order: 0,
        renamed_from: None,
    };

    fn prepare_new(_: &mut (), _: &dyn Dialect) {}
    fn bind_new(_: &(), _: &mut Args) -> BindResult {
        Err(unused().into())
    }
    fn new_key(_: &()) -> Option<()> {
        None
    }
    fn bind_key(_: &(), _: &mut Args) -> BindResult {
        Err(unused().into())
    }
    fn bind_new_column(_: &(), _: usize, _: &mut Args) -> BindResult {
        Err(unused().into())
    }
    fn key(&self) {}
    fn bind_update(&self, _: &mut Args) -> BindResult {
        Err(unused().into())
    }
    fn decode(_: RowRef<'_>) -> Result<Self, sqlx::Error> {
        Err(unused())
    }
    fn from_insert(_: (), _: Option<RowRef<'_>>) -> Result<Self, sqlx::Error> {
        Err(unused())
    }
}

fn add<const N: usize>(p: Plugin) -> Plugin {
    p.table::<Bulk<N>>()
}

/// `[add::<H*100 + T*10 + U>; ...]` for every digit `U`, nested by `T` and `H`.
macro_rules! adders {
    (@u $h:literal $t:literal) => {
        [
            add::<{ $h * 100 + $t * 10 }>,
            add::<{ $h * 100 + $t * 10 + 1 }>,
            add::<{ $h * 100 + $t * 10 + 2 }>,
            add::<{ $h * 100 + $t * 10 + 3 }>,
            add::<{ $h * 100 + $t * 10 + 4 }>,
            add::<{ $h * 100 + $t * 10 + 5 }>,
            add::<{ $h * 100 + $t * 10 + 6 }>,
            add::<{ $h * 100 + $t * 10 + 7 }>,
            add::<{ $h * 100 + $t * 10 + 8 }>,
            add::<{ $h * 100 + $t * 10 + 9 }>,
        ]
    };
    (@t $h:literal) => {
        [
            adders!(@u $h 0), adders!(@u $h 1), adders!(@u $h 2), adders!(@u $h 3),
            adders!(@u $h 4), adders!(@u $h 5), adders!(@u $h 6), adders!(@u $h 7),
            adders!(@u $h 8), adders!(@u $h 9),
        ]
    };
}

type Adder = fn(Plugin) -> Plugin;
const ADDERS: [[[Adder; 10]; 10]; 3] = [adders!(@t 0), adders!(@t 1), adders!(@t 2)];

fn main() -> ExitCode {
    let count = match std::env::var(COUNT_VAR).ok().map(|v| v.parse::<usize>()) {
        None => 0,
        Some(Ok(n)) if n <= MAX => n,
        Some(_) => {
            eprintln!("error: {COUNT_VAR} must be a number from 0 to {MAX}");
            return ExitCode::from(2);
        }
    };
    let mut plugins = Vec::new();
    if count > 0 {
        let all = ADDERS.as_flattened().as_flattened();
        let bulk = all[..count]
            .iter()
            .fold(Plugin::new("bulk"), |p, add| add(p));
        plugins.push(bulk);
    }
    invect_cli::main(plugins)
}
