//! Online endpoints: scoring requests with a model Azimuth trained ([`score`]), the same on
//! the server and in the page.

pub mod score;
