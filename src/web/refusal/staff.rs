//! How the staff services' refusals read (see the parent module).
