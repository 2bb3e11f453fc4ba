//! How the supervisor services' refusals read (see the parent module).
