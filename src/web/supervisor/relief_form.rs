//! The relief part of a ruling form, a single complaint's and a collective
//! case's alike: `relief` (a kind; none for what the outcome gives),
//! `relief_amount` and `compensation` (yuan), as typed and as shown again.

use serde::Deserialize;

use crate::domain::complaint::{Field, FieldErrors};
use crate::domain::relief::{ReliefForm, ReliefKind};
use crate::i18n::Tr;
use crate::web::consumer::Choice;
use crate::web::view::FieldView;

/// The fields as posted (and kept when the form is refused).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ReliefFields {
    pub relief: String,
    pub relief_amount: String,
    pub compensation: String,
}

impl ReliefFields {
    pub fn form(&self) -> ReliefForm<'_> {
        ReliefForm { relief: &self.relief, amount: &self.relief_amount, compensation: &self.compensation }
    }
}

/// The fields as the page shows them.
pub struct ReliefView {
    /// The kinds, the first ("") for what the outcome gives by default.
    pub kinds: Vec<Choice>,
    pub kind_error: Option<String>,
    pub amount: FieldView,
    pub compensation: FieldView,
}

impl ReliefView {
    pub fn new(t: &Tr, typed: &ReliefFields, errors: &FieldErrors) -> ReliefView {
        let message = |field: Field| errors.get(field).map(|why| t.fmt(why.key(), &[("n", &why.count().unwrap_or(0))]));
        let default = Choice {
            value: String::new(),
            label: t.get("relief.by_outcome").to_owned(),
            selected: typed.relief.trim().is_empty(),
        };
        let kinds = std::iter::once(default)
            .chain(ReliefKind::ALL.iter().map(|k| Choice {
                value: k.slug().to_owned(),
                label: t.get(k.key()).to_owned(),
                selected: typed.relief.trim() == k.slug(),
            }))
            .collect();
        ReliefView {
            kinds,
            kind_error: message(Field::Relief),
            amount: FieldView::new(t, "ruling.relief_amount", &typed.relief_amount, message(Field::ReliefAmount)),
            compensation: FieldView::new(t, "ruling.compensation", &typed.compensation, message(Field::Compensation)),
        }
    }
}
