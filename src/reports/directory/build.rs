//! The directory's rows from the registry: each station's workrooms under
//! it, in the registry's order.

use super::model::{Directory, Row};
use crate::registry::{Level, Registry};

impl Directory {
    pub(crate) fn build(registry: &Registry) -> Directory {
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
