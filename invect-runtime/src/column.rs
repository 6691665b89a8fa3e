//! The methods of every column handle: filters (`eq`, `like`, `in_list`, …),
//! sort keys (`asc`, `desc`) and the expressions of `set_expr` (`add`, `coalesce`).

use invect_schema::like_literal;

use crate::expr::{Numeric, SetExpr};
use crate::table::{Column, Expr, Node, Order, Ordered, Text};
use crate::value::Value;

/// Filter and ordering methods on every column handle.
pub trait ColumnExt: Column {
    fn eq(self, v: impl Into<Self::Param>) -> Expr<Self::Table> {
        cmp::<Self>("=", v.into())
    }
    fn ne(self, v: impl Into<Self::Param>) -> Expr<Self::Table> {
        cmp::<Self>("<>", v.into())
    }
    fn lt(self, v: impl Into<Self::Param>) -> Expr<Self::Table>
    where
        Self::Param: Ordered,
    {
        cmp::<Self>("<", v.into())
    }
    fn le(self, v: impl Into<Self::Param>) -> Expr<Self::Table>
    where
        Self::Param: Ordered,
    {
        cmp::<Self>("<=", v.into())
    }
    fn gt(self, v: impl Into<Self::Param>) -> Expr<Self::Table>
    where
        Self::Param: Ordered,
    {
        cmp::<Self>(">", v.into())
    }
    fn ge(self, v: impl Into<Self::Param>) -> Expr<Self::Table>
    where
        Self::Param: Ordered,
    {
        cmp::<Self>(">=", v.into())
    }
    /// Rows whose text contains `text` (taken literally: its `%`, `_` and `\`
    /// are escaped), case-sensitive.
    fn contains(self, text: &str) -> Expr<Self::Table>
    where
        Self::Param: Text,
    {
        self.like(format!("%{}%", like_literal(text)))
    }
    /// Rows whose text starts with `text` (taken literally).
    fn starts_with(self, text: &str) -> Expr<Self::Table>
    where
        Self::Param: Text,
    {
        self.like(format!("{}%", like_literal(text)))
    }
    /// Rows whose text ends with `text` (taken literally).
    fn ends_with(self, text: &str) -> Expr<Self::Table>
    where
        Self::Param: Text,
    {
        self.like(format!("%{}", like_literal(text)))
    }
    /// `LIKE`, case-sensitive and alike on every dialect: `%` any run, `_`
    /// one character, `\` makes the next character literal (`\%`, `\_`, `\\`).
    fn like(self, pattern: impl Into<String>) -> Expr<Self::Table>
    where
        Self::Param: Text,
    {
        Expr::new(Node::Like {
            col: Self::DEF,
            pattern: pattern.into(),
        })
    }
    fn is_null(self) -> Expr<Self::Table> {
        Expr::new(Node::Null {
            col: Self::DEF,
            negated: false,
        })
    }
    fn is_not_null(self) -> Expr<Self::Table> {
        Expr::new(Node::Null {
            col: Self::DEF,
            negated: true,
        })
    }
    /// `IN (...)`; an empty list matches no row.
    fn in_list<V: Into<Self::Param>>(
        self,
        values: impl IntoIterator<Item = V>,
    ) -> Expr<Self::Table> {
        let values = values
            .into_iter()
            .map(|v| Box::new(v.into()) as Box<dyn Value>)
            .collect();
        Expr::new(Node::In {
            col: Self::DEF,
            values,
        })
    }
    /// This column plus `v`, computed by the database as it writes (for
    /// `set_expr`): concurrent increments all count.
    #[allow(clippy::should_implement_trait)]
    fn add(self, v: impl Into<Self::Param>) -> SetExpr<Self::Table, Self::Param>
    where
        Self::Param: Numeric,
    {
        SetExpr::from(self).add(v)
    }
    /// This column minus `v`, computed by the database as it writes.
    #[allow(clippy::should_implement_trait)]
    fn sub(self, v: impl Into<Self::Param>) -> SetExpr<Self::Table, Self::Param>
    where
        Self::Param: Numeric,
    {
        SetExpr::from(self).sub(v)
    }
    /// This column, or `v` where it is NULL (`COALESCE`).
    fn coalesce(self, v: impl Into<Self::Param>) -> SetExpr<Self::Table, Self::Param> {
        SetExpr::from(self).coalesce(v)
    }
    fn asc(self) -> Order<Self::Table>
    where
        Self::Param: Ordered,
    {
        Order::new(Self::DEF, false)
    }
    fn desc(self) -> Order<Self::Table>
    where
        Self::Param: Ordered,
    {
        Order::new(Self::DEF, true)
    }
}

impl<C: Column> ColumnExt for C {}

fn cmp<C: Column>(op: &'static str, v: C::Param) -> Expr<C::Table> {
    Expr::new(Node::Cmp {
        col: C::DEF,
        op,
        value: Box::new(v),
    })
}
