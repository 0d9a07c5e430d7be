//! The platform directory table (平台名录, the "1+4+N" table): centre |
//! address | station | address | workroom | location | note, with the centre
//! and each station merged down their rows, as in the seed document.

use serde::Serialize;

/// One row: a workroom with its station and centre, or a station without workrooms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Row {
    pub centre: String,
    pub centre_address: String,
    pub station: String,
    pub station_address: String,
    pub room: String,
    pub room_location: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub(crate) struct Directory {
    pub centre: String,
    pub stations: usize,
    pub rows: Vec<Row>,
    /// (first row, number of rows) of each station's merged block.
    pub station_blocks: Vec<(usize, usize)>,
}
