//! The platform directory table (平台名录表, the 1+4+N table): `model` holds
//! its rows and merged blocks, `build` makes them from the registry,
//! `render` writes PDF and XLSX (`templates/directory.toml`).

pub(crate) mod build;
pub(crate) mod model;
pub(crate) mod render;

pub(crate) use model::Directory;
