//! How values sit in columns: times as UTC without a zone, and every slug
//! (a state, a category, a kind, a role …) as its text, typed. A slug enum
//! is written as its slug and read back as the enum, on SQLite, on
//! PostgreSQL and through the [`DbConnection`] enum's `MultiBackend`; a
//! text that is none of its slugs fails the read (diesel's deserialization
//! error) rather than passing for some default. After vaultwarden's
//! `impl_FromToSqlText!`; the domain's enums know nothing of diesel.
//!
//! [`DbConnection`]: super::DbConnection

use std::marker::PhantomData;

use chrono::{DateTime, NaiveDateTime, Utc};
use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql, Queryable};
use diesel::expression::{AppearsOnTable, AsExpression, Expression, SelectableExpression, TypedExpressionType};
use diesel::expression::{ValidGrouping, is_aggregate};
use diesel::pg::Pg;
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::serialize::{self, Output, ToSql};
use diesel::sql_types::{HasSqlType, Nullable, SqlType, Text};
use diesel::sqlite::Sqlite;

use super::MultiBackend;
use crate::domain::action::{ActionKind, AppealDecision};
use crate::domain::audit::AuditKind;
use crate::domain::category::{Category, Resolution};
use crate::domain::contact::Reach;
use crate::domain::deposit::EntryKind;
use crate::domain::event::{Actor, EventKind, Visibility};
use crate::domain::evidence::{Kind, Side};
use crate::domain::incident::{IncidentState, IncidentSubject};
use crate::domain::inspection::Verdict;
use crate::domain::live::{HostKind, HostStatus, Platform, ProductCategory, Review, RoomStatus, Target};
use crate::domain::merchant::SoldCategories;
use crate::domain::offender::Supervision;
use crate::domain::register::PublicResponse;
use crate::domain::relief::{ReliefKind, ReliefSource};
use crate::domain::report::ReportState;
use crate::domain::risk::{RiskState, RuleKind};
use crate::domain::staff::Role;
use crate::domain::state::{EscalationReason, Outcome, State};
use crate::domain::violation::{Level, Measure, Violation};
use crate::domain::webhook::{DeliveryState, Disabled};
use crate::i18n::Lang;
use crate::store::flags::FlagState;
use crate::store::outbox::{Channel, MailKind, MailState};

/// Timestamps are stored as UTC without a zone (portable `TIMESTAMP`).
pub fn to_db(at: DateTime<Utc>) -> NaiveDateTime {
    at.naive_utc()
}

pub fn from_db(at: NaiveDateTime) -> DateTime<Utc> {
    at.and_utc()
}

/// `text` read with `parse`, or the error that names what it is not.
fn parsed<T>(text: &str, parse: impl FnOnce(&str) -> Option<T>, what: &str) -> deserialize::Result<T> {
    parse(text).ok_or_else(|| format!("{text:?} is not a stored {what}").into())
}

/// Reading `$ty` from a text column, through `$parse` (`&str` to
/// `Option<$ty>`): one impl per backend and one for the enum of both,
/// which hands the value to the backend's.
macro_rules! read_text {
    ($ty:ty, $parse:expr) => {
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(mut value: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parsed(value.read_text(), $parse, stringify!($ty))
            }
        }

        impl FromSql<Text, Pg> for $ty {
            fn from_sql(value: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parsed(std::str::from_utf8(value.as_bytes())?, $parse, stringify!($ty))
            }
        }

        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(value: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                value.from_sql::<Self, Text>()
            }
        }

        /// A column on its own, or a field of a `Queryable` row.
        impl<DB: Backend> Queryable<Text, DB> for $ty
        where
            Self: FromSql<Text, DB>,
        {
            type Row = Self;

            fn build(row: Self) -> deserialize::Result<Self> {
                Ok(row)
            }
        }
    };
}

/// A value bound as a query parameter of SQL type `ST`: what diesel's
/// `AsExpression` derive makes, from public parts.
#[derive(Debug, Clone, Copy)]
pub struct Bind<ST, T> {
    value: T,
    sql_type: PhantomData<ST>,
}

impl<ST, T> Bind<ST, T> {
    fn new(value: T) -> Self {
        Bind { value, sql_type: PhantomData }
    }
}

impl<ST: SqlType + TypedExpressionType, T> Expression for Bind<ST, T> {
    type SqlType = ST;
}

impl<ST, T, DB> QueryFragment<DB> for Bind<ST, T>
where
    DB: Backend + HasSqlType<ST>,
    T: ToSql<ST, DB>,
{
    fn walk_ast<'b>(&'b self, mut pass: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        pass.push_bind_param(&self.value)
    }
}

impl<ST: QueryId, T> QueryId for Bind<ST, T> {
    type QueryId = Bind<ST::QueryId, ()>;
    const HAS_STATIC_QUERY_ID: bool = ST::HAS_STATIC_QUERY_ID;
}

impl<ST, T, QS> SelectableExpression<QS> for Bind<ST, T> where Self: AppearsOnTable<QS> {}

impl<ST, T, QS> AppearsOnTable<QS> for Bind<ST, T> where Self: Expression {}

impl<ST, T, GB> ValidGrouping<GB> for Bind<ST, T> {
    type IsAggregate = is_aggregate::Never;
}

/// A `Copy` type kept in a text column as one of a fixed set of
/// `&'static str`: `$text` gives a value's, `$parse` takes one back
/// (`None` for any other text). Bound as that text, as a `&str` is, and
/// read with [`read_text!`].
macro_rules! text_column {
    ($ty:ty, $text:expr, $parse:expr) => {
        impl AsExpression<Text> for $ty {
            type Expression = Bind<Text, $ty>;

            fn as_expression(self) -> Self::Expression {
                Bind::new(self)
            }
        }

        impl AsExpression<Text> for &$ty {
            type Expression = Bind<Text, $ty>;

            fn as_expression(self) -> Self::Expression {
                Bind::new(*self)
            }
        }

        impl AsExpression<Nullable<Text>> for $ty {
            type Expression = Bind<Nullable<Text>, $ty>;

            fn as_expression(self) -> Self::Expression {
                Bind::new(self)
            }
        }

        impl AsExpression<Nullable<Text>> for &$ty {
            type Expression = Bind<Nullable<Text>, $ty>;

            fn as_expression(self) -> Self::Expression {
                Bind::new(*self)
            }
        }

        /// As its text, on whichever backend takes text (both, and the
        /// enum of both, which hands it on).
        impl<DB: Backend> ToSql<Text, DB> for $ty
        where
            str: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <str as ToSql<Text, DB>>::to_sql(($text)(*self), out)
            }
        }

        impl<DB: Backend> ToSql<Nullable<Text>, DB> for $ty
        where
            Self: ToSql<Text, DB>,
        {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, DB>) -> serialize::Result {
                <Self as ToSql<Text, DB>>::to_sql(self, out)
            }
        }

        read_text!($ty, $parse);
    };
}

/// [`text_column!`] for enums of `slug_enum!`, by their slugs.
macro_rules! slug_columns {
    ($($ty:ty),+ $(,)?) => {
        $(text_column!($ty, <$ty>::slug, <$ty>::from_slug);)+
    };
}

slug_columns!(
    State,
    Outcome,
    EscalationReason,
    Category,
    Resolution,
    Actor,
    EventKind,
    Visibility,
    ActionKind,
    AppealDecision,
    AuditKind,
    Role,
    Kind,
    Side,
    Supervision,
    FlagState,
    MailKind,
    MailState,
    Reach,
    Channel,
    Platform,
    RoomStatus,
    HostKind,
    HostStatus,
    ProductCategory,
    Review,
    Target,
    RuleKind,
    RiskState,
    IncidentSubject,
    IncidentState,
    Verdict,
    ReportState,
    ReliefKind,
    ReliefSource,
    EntryKind,
    Violation,
    Level,
    Measure,
    DeliveryState,
    Disabled,
    PublicResponse,
);

// By its code exactly as `Lang::code` wrote it (the lenient `from_code`
// is for what browsers send).
text_column!(Lang, Lang::code, |text: &str| Lang::ALL.into_iter().find(|l| l.code() == text));

// Written by the domain as `ValidMerchant::categories_text`; only read here.
read_text!(SoldCategories, SoldCategories::from_text);

/// A column read as `T`, so that a text that is none of `T`'s slugs fails
/// the read as it does for a `T` field, then kept as its text: for the few
/// fields the test suites still read as text, as
/// `#[diesel(deserialize_as = AsText<T>)]` on a `String` field (or
/// `AsText<Option<T>>` on an `Option<String>` one).
pub struct AsText<T>(T);

impl<T, ST, DB> Queryable<ST, DB> for AsText<T>
where
    T: Queryable<ST, DB>,
    DB: Backend,
{
    type Row = T::Row;

    fn build(row: Self::Row) -> deserialize::Result<Self> {
        T::build(row).map(AsText)
    }
}

impl<T: std::fmt::Display> From<AsText<T>> for String {
    fn from(AsText(value): AsText<T>) -> String {
        value.to_string()
    }
}

impl<T: std::fmt::Display> From<AsText<Option<T>>> for Option<String> {
    fn from(AsText(value): AsText<Option<T>>) -> Option<String> {
        value.map(|v| v.to_string())
    }
}

#[cfg(test)]
mod tests;
