//! The platform directory table (平台名录, the "1+4+N" table): centre |
//! address | station | address | workroom | location | note, with the centre
//! and each station merged down their rows, as in the seed document.

use serde::Serialize;

use crate::registry::{Level, Registry};

/// One row: a workroom with its station and centre, or a station without workrooms.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub centre: String,
    pub centre_address: String,
    pub station: String,
    pub station_address: String,
    pub room: String,
    pub room_location: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Directory {
    pub centre: String,
    pub stations: usize,
    pub rows: Vec<Row>,
    /// (first row, number of rows) of each station's merged block.
    pub station_blocks: Vec<(usize, usize)>,
}

impl Directory {
    pub fn build(registry: &Registry) -> Directory {
        let centre = registry.centre();
        let (centre_name, centre_address) = centre
            .map(|c| (c.name.clone(), c.address.clone().unwrap_or_default()))
            .unwrap_or_default();
        let mut rows = Vec::new();
        let mut station_blocks = Vec::new();
        let stations: Vec<_> = centre
            .map(|c| {
                registry
                    .children(&c.code)
                    .filter(|s| s.level == Level::Station)
                    .collect()
            })
            .unwrap_or_default();
        for station in &stations {
            let start = rows.len();
            let row = |room: String, location: String, note: String| Row {
                centre: centre_name.clone(),
                centre_address: centre_address.clone(),
                station: station.name.clone(),
                station_address: station.address.clone().unwrap_or_default(),
                room,
                room_location: location,
                note,
            };
            let rooms: Vec<_> = registry.children(&station.code).collect();
            if rooms.is_empty() {
                rows.push(row(
                    String::new(),
                    String::new(),
                    station.note.clone().unwrap_or_default(),
                ));
            }
            for r in rooms {
                rows.push(row(
                    r.name.clone(),
                    r.address.clone().unwrap_or_default(),
                    r.note.clone().unwrap_or_default(),
                ));
            }
            station_blocks.push((start, rows.len() - start));
        }
        Directory {
            centre: centre_name,
            stations: stations.len(),
            rows,
            station_blocks,
        }
    }
}
