//! Background work inside the server: the deadline sweeper (the mail
//! dispatcher joins it later). Each job runs on its own thread with its own
//! pooled connections, so it never blocks a request.

pub mod sweeper;
