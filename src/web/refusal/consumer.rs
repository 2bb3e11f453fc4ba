//! How the consumer services' refusals read (see the parent module).
