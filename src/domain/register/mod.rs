//! The public register: what a complaint shows once published, and how it is found.

pub mod scrub;
pub mod terms;
