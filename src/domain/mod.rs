//! Pure rules of the domain: states, deadlines, validation. No I/O here; the
//! time is always passed in by the caller, who takes it from a `Clock`.

pub mod action;
pub mod amount;
pub mod api_key;
pub mod audit;
pub mod category;
pub mod complaint;
pub mod contact;
pub mod conversation;
pub mod credit_code;
pub mod cursor;
pub mod deadline;
pub mod deposit;
pub mod event;
pub mod evidence;
pub mod field;
pub mod incident;
pub mod inspection;
pub mod limit;
pub mod live;
pub mod matching;
pub mod merchant;
pub mod merchant_list;
pub mod offender;
pub mod open_data;
pub mod progress;
pub mod published;
pub mod reference;
pub mod register;
pub mod relief;
pub mod reply_template;
pub mod report;
pub mod risk;
pub mod search;
pub mod session;
pub mod staff;
pub mod state;
pub mod text;
pub mod totp;
pub mod verification;
pub mod violation;
pub mod webhook;

/// Declares a fieldless enum whose values travel as stable slugs (form
/// values, database text, `data-status` attributes).
///
/// With `#[catalog("prefix.")]` first, each value also names its message in
/// the catalog (`locales/`): `key()` is the prefix followed by the slug, and
/// a unit test in `i18n` checks every key of `ALL` exists in every language.
#[macro_export]
macro_rules! slug_enum {
    (#[catalog($prefix:literal)] $(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $slug:literal),+ $(,)? }) => {
        $crate::slug_enum! { $(#[$meta])* pub enum $name { $($(#[$vmeta])* $variant => $slug),+ } }

        impl $name {
            /// The key of this value's message in the catalog.
            pub fn key(self) -> &'static str {
                match self { $($name::$variant => concat!($prefix, $slug)),+ }
            }
        }
    };
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $slug:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            #[allow(dead_code)] // not every list of slugs is walked
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn slug(self) -> &'static str {
                match self { $($name::$variant => $slug),+ }
            }

            pub fn from_slug(slug: &str) -> Option<Self> {
                match slug { $($slug => Some($name::$variant),)+ _ => None }
            }

            /// The slug, under the name text types give it.
            #[allow(dead_code)] // for code that read the value as text
            pub fn as_str(self) -> &'static str {
                self.slug()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.slug())
            }
        }

        /// A value is equal to its slug.
        impl PartialEq<&str> for $name {
            fn eq(&self, slug: &&str) -> bool {
                self.slug() == *slug
            }
        }
    };
}
